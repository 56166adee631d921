"""Which kind of diagram a prompt asks for: an explicit name wins, otherwise the words and the
shape of the prompt vote (durations -> gantt, years -> timeline, percentages -> pie, ...)."""

from __future__ import annotations

import re

TYPES = ("flowchart", "sequence", "class", "state", "er", "gantt", "timeline", "mindmap", "pie", "architecture")

# The user named the diagram: "a sequence diagram of ...", "draw an ER diagram".
_EXPLICIT = [
    ("sequence", r"sequence\s*diagram|sequence of messages|message sequence"),
    ("class", r"class\s*diagram|uml class"),
    ("state", r"state\s*(?:diagram|machine|chart)|statechart|lifecycle of states"),
    ("er", r"\ber\s*diagram|entity[- ]relationship|\berd\b|data\s*model|database schema"),
    ("gantt", r"\bgantt\b|project (?:plan|schedule)|roadmap with (?:durations|dates)"),
    ("timeline", r"\btimeline\b|history of|chronolog"),
    ("mindmap", r"mind\s*-?map|brainstorm"),
    ("pie", r"\bpie\b|donut chart|breakdown of|share of|distribution of"),
    ("architecture", r"architecture|system design|infrastructure diagram|deployment diagram"),
    ("flowchart", r"flow\s*chart|flow\s*diagram|process flow|workflow|^process\b|\bprocess (?:for|of)\b"),
]

_SIGNALS: dict[str, list[tuple[str, int]]] = {
    "sequence": [(r"\b(?:sends?|replies|reply|responds?|returns?|asks?|requests?|calls?|notif(?:y|ies)|"
                  r"forwards?|acknowledges?|answers?|delivers?|pays?|passes|hands?|replies|confirms?)\b", 2),
                 (r"\bmessages?\b", 2), (r"\bback to\b", 2),
                 (r"\b(?:client|server|browser|user)\b", 1)],
    "class": [(r"\b(?:extends?|inherits?|subclass(?:es)?|is a (?:kind|type) of|superclass|interface)\b", 4),
              (r"\bclass(?:es)?\b", 3), (r"\b(?:methods?|attributes?|properties)\b", 2), (r"\bcan \w+", 1)],
    "state": [(r"\bstates?\b", 3), (r"\blife\s*cycle\b|\bstatus(?:es)?\b", 3),
              (r"\btransitions?\b", 3), (r"\b(?:goes|moves|switches|changes) to\b", 2),
              (r"\bfrom \w+ to \w+\b", 1), (r"\b(?:idle|pending|active|paused|closed|open|locked)\b", 1)],
    "er": [(r"\b(?:one or more|zero or more|one or many|one-to-many|many-to-many|one-to-one)\b", 4),
           (r"\b(?:belongs? to|has many|have many|many \w+)\b", 2), (r"\b(?:entit(?:y|ies)|tables?|"
           r"foreign key|primary key|records?)\b", 3)],
    "gantt": [(r"\b\d+\s*(?:days?|weeks?|wks?|months?|d|w)\b", 3), (r"\b(?:tasks?|milestones?|sprints?|phases?|"
              r"deadline|schedule)\b", 2), (r"\bafter\b", 1)],
    "timeline": [(r"\b(?:1[5-9]\d\d|20\d\d)\b", 3), (r"\b(?:founded|launched|released|happened|events?|"
                 r"era|century|decades?)\b", 2)],
    "mindmap": [(r"\b(?:topics?|ideas?|branch(?:es)?|central|subtopics?|aspects?)\b", 2)],
    "pie": [(r"\d+(?:\.\d+)?\s*%", 4), (r"\b(?:spend|spent|how much|split between)\b", 3),
            (r"\b(?:percent|percentage|proportion|split|budget|shares?)\b", 2)],
    "architecture": [(r"\b(?:services?|microservices?|databases?|db|queues?|caches?|load balancer|api gateway|"
                      r"cdn|lambda|s3|dynamodb|postgres(?:ql)?|mysql|redis|kafka|sqs|tiers?|backend|frontend)\b", 2)],
    "flowchart": [(r"\b(?:if|otherwise|else|whether|unless)\b", 3), (r"\b(?:steps?|process|procedure|then|"
                  r"repeat|until|retry|try again|decides?|approve[sd]?|reject(?:s|ed)?)\b", 2)],
}


def detect(prompt: str) -> str:
    text = prompt.lower()
    for dtype, pattern in _EXPLICIT:
        if re.search(pattern, text):
            return dtype
    scores = {t: sum(w * len(re.findall(p, text)) for p, w in sigs) for t, sigs in _SIGNALS.items()}
    # Tiers and infrastructure outvote "calls" and "returns": an architecture names several parts.
    if scores["architecture"] >= 6:
        scores["architecture"] += 4
    best = max(scores, key=lambda t: (scores[t], t == "flowchart"))
    # One weak word ("open", "client") is not a shape: a list of steps is the safest first draft.
    return best if scores[best] >= 2 else "flowchart"
