"""Offline builders for the graph-shaped diagrams: flowcharts (steps, decisions, loops) and system
architectures (a flowchart with a subgraph per tier)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .text import capitalize, clauses, key, label

_IF = re.compile(r"^(?:if|when|whenever|in case|should)\s+(?P<cond>.+?)(?:\s*,\s*|\s+then\s+)(?P<yes>.+?)"
                 r"(?:\s*[,;]?\s*(?:otherwise|else|if not|or else)\s*,?\s*(?P<no>.+))?$", re.IGNORECASE)
_IF_ONLY = re.compile(r"^(?:if|when|whenever|in case)\s+(?P<cond>.+)$", re.IGNORECASE)
_CHECK = re.compile(r"^(?:check|verify|decide|ask|see)\s+(?:whether|if)\s+(?P<cond>.+)$|^(?P<q>.+)\?$", re.IGNORECASE)
_ELSE = re.compile(r"^(?:otherwise|else|if not|or else|if (?:it )?(?:fails|does not|doesn't|is not|isn't))\s*,?\s*"
                   r"(?P<no>.+)$", re.IGNORECASE)
_UNTIL = re.compile(r"^(?:(?P<body>.+?)\s+)?(?:repeat(?:ing)?|loop|keep going|continue)?\s*until\s+(?P<cond>.+)$",
                    re.IGNORECASE)
_BACK = re.compile(r"(?:go(?:es)? back to|return(?:s)? to|loop back to|start over(?: at| from)?|back to)\s+(?P<to>.+)$"
                   r"|(?P<again>tr(?:y|ies) again|retry|retries|start over|repeat)", re.IGNORECASE)
# "if payment succeeds the warehouse ships it": no comma between condition and action; the action
# usually starts at its subject (a determiner or pronoun) after the condition's verb.
_ACTION_START = re.compile(r"\s(?=(?:the|a|an|we|they|you|it|he|she|i|our|their|its|his|her)\s)", re.IGNORECASE)
_OTHERWISE = re.compile(r"^(?:otherwise|else|if not|or else)\b\s*,?\s*", re.IGNORECASE)
_TERMINAL = re.compile(r"^(?:end|stop|finish|done|exit|reject|cancel|abort|close)\b", re.IGNORECASE)


@dataclass
class Graph:
    nodes: list[tuple[str, str, str]] = field(default_factory=list)  # id, label, shape
    edges: list[tuple[str, str, str | None, bool]] = field(default_factory=list)  # from, to, label, dotted
    pred: dict[str, str] = field(default_factory=dict)

    def add(self, text: str, shape: str = "box") -> str:
        nid = f"n{len(self.nodes) + 1}"
        self.nodes.append((nid, text, shape))
        return nid

    def link(self, a: str, b: str, text: str | None = None, dotted: bool = False) -> None:
        if (a, b, text, dotted) not in self.edges:
            self.edges.append((a, b, text, dotted))
            self.pred.setdefault(b, a)

    def find(self, text: str) -> str | None:
        want = key(text)
        if not want:
            return None
        for nid, lab, _ in self.nodes:
            if want == key(lab) or want in key(lab):
                return nid
        words = {w for w in want.split() if len(w) > 3}
        for nid, lab, _ in self.nodes:
            if words & set(key(lab).split()):
                return nid
        return None


_SHAPES = {"box": '["{}"]', "round": '("{}")', "stadium": '(["{}"])', "decision": '{{"{}"}}',
           "db": '[("{}")]', "cache": '{{{{"{}"}}}}', "queue": '>"{}"]', "gateway": '[/"{}"\\]',
           "client": '(["{}"])'}


def node(nid: str, text: str, shape: str) -> str:
    return nid + _SHAPES[shape].format(text.replace('"', "'"))


def emit(graph: Graph, direction: str, groups: list[tuple[str, list[str]]] | None = None) -> str:
    lines = [f"flowchart {direction}"]
    shapes = {nid: (lab, shape) for nid, lab, shape in graph.nodes}
    grouped: set[str] = set()
    for i, (title, members) in enumerate(groups or []):
        lines.append(f'  subgraph g{i + 1}["{title}"]')
        for nid in members:
            lines.append("    " + node(nid, *shapes[nid]))
            grouped.add(nid)
        lines.append("  end")
    for nid, (lab, shape) in shapes.items():
        if nid not in grouped:
            lines.append("  " + node(nid, lab, shape))
    for a, b, text, dotted in graph.edges:
        arrow = "-.->" if dotted else "-->"
        lines.append(f"  {a} {arrow}|\"{label(text, 30)}\"| {b}" if text else f"  {a} {arrow} {b}")
    return "\n".join(lines) + "\n"


def _body(prompt: str) -> str:
    head, sep, rest = prompt.partition(":")
    if sep and len(head) < 120 and rest.strip():
        return rest
    return re.sub(r"^\s*(?:please\s+)?(?:(?:draw|create|make|show|generate|build|design|give)\s+(?:me\s+)?"
                  r"(?:an?\s+|the\s+)?)?(?:simple\s+)?(?:flow\s*chart|flow\s*diagram|sequence diagram|class diagram|"
                  r"state (?:diagram|machine)|er diagram|entity[- ]relationship diagram|data model|gantt(?: chart)?|"
                  r"project plan|timeline|mind\s*map|pie chart|architecture(?: diagram)?|diagram|workflow|process)\s*"
                  r"(?:of|for|showing|that shows|about|where|in which|:)?\s*", "", prompt, flags=re.IGNORECASE)


def _match_if(clause: str) -> dict[str, str | None] | None:
    """cond/yes/no of "if C, Y[, otherwise N]", also when the writer left out the comma after C."""
    m = _IF.match(clause)
    if not m:
        return None
    parts: dict[str, str | None] = {"cond": m.group("cond"), "yes": m.group("yes"), "no": m.group("no")}
    yes = parts["yes"] or ""
    if _OTHERWISE.match(yes) and not parts["no"]:
        # the comma we split on was the one before "otherwise": the action hides inside cond
        cond = parts["cond"] or ""
        cut = next((c for c in _ACTION_START.finditer(cond) if len(cond[:c.start()].split()) >= 2), None)
        if cut is None:
            return {"cond": cond, "yes": None, "no": _OTHERWISE.sub("", yes)}
        parts = {"cond": cond[:cut.start()], "yes": cond[cut.end():], "no": _OTHERWISE.sub("", yes)}
    return parts


def _step(text: str) -> str:
    return capitalize(label(text))


def flowchart(prompt: str, direction: str = "TD") -> str:
    g = Graph()
    pending: list[tuple[str, str | None]] = []
    last_decision: str | None = None
    last: str | None = None

    def attach(nid: str) -> None:
        sources = pending or ([(last, None)] if last else [])
        for src, text in sources:
            g.link(src, nid, text)

    def loop_target(text: str | None, decision: str) -> str:
        found = g.find(text) if text else None
        return found or g.pred.get(decision) or g.nodes[0][0]

    def branch(decision: str, text: str, answer: str) -> list[tuple[str, str | None]]:
        back = _BACK.search(text)
        if back:
            before = re.sub(r"\s+(?:and|then)$", "", text[:back.start()].strip(" ,"), flags=re.IGNORECASE)
            if before:
                nid = g.add(_step(before))
                g.link(decision, nid, answer)
                g.link(nid, loop_target(back.group("to"), decision))
            else:
                g.link(decision, loop_target(back.group("to"), decision), answer)
            return []
        nid = g.add(_step(text), "stadium" if _TERMINAL.match(text) else "box")
        g.link(decision, nid, answer)
        return [] if _TERMINAL.match(text) else [(nid, None)]

    steps: list[str] = []
    for clause in clauses(_body(prompt)):
        conditional = _IF.match(clause) or _IF_ONLY.match(clause) or _ELSE.match(clause)
        steps += [clause] if conditional else [c.strip() for c in re.split(r",\s*(?:and\s+)?", clause) if c.strip()]
    for i, clause in enumerate(steps):
        m_else = _ELSE.match(clause)
        if m_else and last_decision:
            pending = [p for p in pending if p != (last_decision, "no")]
            pending += branch(last_decision, m_else.group("no"), "no")
            continue
        m_if = _match_if(clause)
        m_only = None if m_if else _IF_ONLY.match(clause) or _CHECK.match(clause)
        if m_if or m_only:
            cond = (m_if["cond"] if m_if else None) or (m_only.group("cond") or m_only.groupdict().get("q")
                                                        if m_only else None) or clause
            d = g.add(capitalize(label(cond.rstrip("?"))) + "?", "decision")
            attach(d)
            last_decision, last = d, d
            pending = []
            if m_if:
                yes, no = m_if["yes"], m_if["no"]
                pending += branch(d, yes, "yes") if yes else [(d, "yes")]
                pending += branch(d, no, "no") if no else [(d, "no")]
            else:
                pending = [(d, "yes"), (d, "no")]
            continue
        m_until = _UNTIL.match(clause)
        if m_until and last is not None:
            body = m_until.group("body")
            if body and not re.fullmatch(r"(?:repeat|loop|keep going|continue)(?: this| these| steps)?", body, re.I):
                nid = g.add(_step(body))
                attach(nid)
                pending, last = [(nid, None)], nid
            d = g.add(capitalize(label(m_until.group("cond"))) + "?", "decision")
            attach(d)
            g.link(d, g.pred.get(d) or last, "no")  # "repeat until": back to the step before the check
            last_decision, last, pending = d, d, [(d, "yes")]
            continue
        back = _BACK.search(clause)
        if (back and last is not None and not back.group("again")) or (back and back.group("again") and last_decision):
            target = loop_target(back.group("to"), last_decision or last)
            for src, text in pending or [(last, None)]:
                g.link(src, target, text)
            pending = []
            continue
        shape = "stadium" if i in (0, len(steps) - 1) or _TERMINAL.match(clause) else "box"
        nid = g.add(_step(clause), shape)
        if last_decision and sorted(pending) == [(last_decision, "no"), (last_decision, "yes")]:
            # the step right after a bare condition is its "yes" branch; "no" waits for an
            # "otherwise", or skips ahead to whatever comes next
            g.link(last_decision, nid, "yes")
            pending, last = [(nid, None), (last_decision, "no")], nid
            continue
        attach(nid)
        pending, last = [(nid, None)], nid
    if not g.nodes:
        g.add(_step(prompt), "stadium")
    return emit(g, direction)


# ------------------------------------------------------------------ architecture
_KINDS = [  # (tier, shape, keyword pattern); order decides the tier order in the picture
    ("Clients", "client", r"(?:web|mobile|desktop|ios|android|react|single[- ]page)?\s*(?:apps?|application|clients?|"
                          r"browsers?|frontend|front[- ]end|users?|customers?|ui|spa)"),
    ("Edge", "gateway", r"(?:api gateway|gateway|load balancer|cdn|cloudfront|alb|elb|nginx|reverse proxy|"
                        r"firewall|waf)"),
    ("Services", "box", r"(?:services?|microservices?|api|apis|servers?|backend|lambdas?|functions?|workers?|"
                        r"handlers?|jobs?)"),
    ("Messaging", "queue", r"(?:queues?|topics?|streams?|kafka|sqs|sns|event bus|eventbridge|rabbitmq|pub/?sub)"),
    ("Data", "cache", r"(?:caches?|redis|memcached|elasticache)"),
    ("Data", "db", r"(?:databases?|db|dbs|datastores?|data stores?|stores?|storage|buckets?|s3|dynamodb|"
                   r"postgres(?:ql)?|mysql|mongo(?:db)?|warehouse|data lake|tables?|search index|"
                   r"elasticsearch|opensearch)"),
]
_STOP = {"a", "an", "the", "and", "or", "to", "from", "with", "into", "via", "through", "which", "that", "then",
         "it", "its", "our", "their", "in", "on", "of", "for", "by", "behind", "calls", "call", "reads", "writes",
         "sends", "uses", "stores", "talks", "hits", "is", "are", "has", "have", "both", "each", "all", "where",
         "goes", "publish", "publishes", "consume", "consumes", "puts", "feeds", "saves"}


def _components(text: str) -> list[tuple[int, int, str, str, str]]:
    """(position, name, tier, shape) of every part the text names, in order."""
    found: list[tuple[int, int, str, str, str]] = []
    for tier, shape, pattern in _KINDS:
        for m in re.finditer(rf"\b{pattern}\b", text, re.IGNORECASE):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            words = text[:start].split()
            lead: list[str] = []
            while words and len(lead) < 2 and words[-1].lower().strip(",.") not in _STOP \
                    and re.fullmatch(r"[\w.-]+", words[-1]):
                lead.insert(0, words.pop())
            start -= len(" ".join(lead)) + (1 if lead else 0)
            found.append((start, m.end(), capitalize(label(" ".join([*lead, m.group().strip()]), 40)), tier, shape))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str, str, str]] = []
    end = -1
    for start, stop, name, tier, shape in found:
        if start >= end:  # longest match at a position wins; overlaps are the same part
            out.append((start, stop, name, tier, shape))
            end = stop
    return out


def architecture(prompt: str) -> str:
    g = Graph()
    ids: dict[str, str] = {}
    tiers: dict[str, list[str]] = {}
    order = [k[0] for k in _KINDS]

    def part(name: str, tier: str, shape: str) -> str:
        k = key(name)
        # "the queue" after "an SQS queue": the same part
        k = next((known for known in ids if known.endswith(" " + k) or k.endswith(" " + known)), k)
        if k not in ids:
            ids[k] = g.add(name, shape)
            tiers.setdefault(tier, []).append(ids[k])
        return ids[k]

    linked = False
    for clause in clauses(_body(prompt)):
        parts = _components(clause)
        nids = [part(name, tier, shape) for _, _, name, tier, shape in parts]
        for (_, end, _, _, _), (pos2, _, _, _, shape2), a, b in zip(parts, parts[1:], nids, nids[1:], strict=False):
            between = clause[end:pos2].strip(" ,")
            # "X writes to A and publishes to B": B hangs off X, the clause's subject
            source = nids[0] if re.match(r"(?:and|,)\s", between + " ", re.IGNORECASE) else a
            if source == b:
                continue
            words = [w for w in re.sub(r"^(?:and|which|that|then)\s+", "", between, flags=re.I).split()
                     if w.lower() not in ("the", "a", "an", "which", "that")]
            filler = ("with", "and", "to", "of", "in", "on", "for", "or", "plus", "behind", "a", "the")
            verb = " ".join(words) if 0 < len(words) <= 3 and words[-1].lower() not in filler \
                and words[0].lower() not in ("and", "or") else None
            g.link(source, b, verb, dotted=shape2 == "cache")
            linked = True
    if not g.nodes:
        return flowchart(prompt, "LR")
    if not linked:  # nothing said who talks to whom: the usual flow from clients down to data
        present = [t for t in dict.fromkeys(order) if t in tiers]
        for upper, lower in itertools.pairwise(present):
            for a in tiers[upper]:
                for b in tiers[lower]:
                    g.link(a, b, dotted=any(n == b and s == "cache" for n, _, s in g.nodes))
    groups = [(t, tiers[t]) for t in dict.fromkeys(order) if t in tiers]
    return emit(g, "LR", groups)
