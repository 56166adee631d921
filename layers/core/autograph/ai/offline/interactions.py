"""Offline builders for who-talks-to-whom and what-state-follows-what: sequence and state diagrams."""

from __future__ import annotations

import itertools
import re

from .graphs import _body
from .text import capitalize, clauses, key, label, name_of, split_list, strip_articles

_VERBS = (r"sends?|sent|asks?|requests?|calls?|quer(?:y|ies)|tells?|notif(?:y|ies)|forwards?|posts?|gets?|"
          r"fetches|fetch|submits?|pays?|logs? in(?:to)?|signs? in|checks?|validates?|verif(?:y|ies)|looks? up|"
          r"publishes|publish|pushes|push|pulls?|writes?|reads?|saves?|stores?|loads?|charges?|confirms?|"
          r"creates?|updates?|deletes?|emails?|messages?|pings?|invokes?|triggers?|passes|pass|hands?|"
          r"delivers?|orders?|places?|opens?|enters?|clicks?|uploads?|downloads?|redirects?|issues?|"
          r"replies|reply|responds?|returns?|answers?|acknowledges?|sends? back|shows?|displays?|renders?|"
          r"grants?|denies|deny|rejects?|accepts?|approves?|authori[sz]es?|authenticates?|receives?")
_REPLY = re.compile(r"^(?:replies|reply|responds?|returns?|answers?|acknowledges?|sends? back|shows?|displays?|"
                    r"grants?|denies|deny|rejects?|accepts?|approves?|confirms?)", re.IGNORECASE)
_CLAUSE = re.compile(rf"^(?P<subj>.+?)\s+(?P<verb>{_VERBS})\b\s*(?P<rest>.*)$", re.IGNORECASE)
_PREP = re.compile(r"\s+(?:to|from|with|at|on|in|into|via|back to)\s+(?P<target>(?:the\s+|an?\s+)?[\w' -]+?)$",
                   re.IGNORECASE)
_PEOPLE = re.compile(r"\b(?:user|customer|client|person|admin|administrator|buyer|seller|shopper|patient|"
                     r"student|manager|employee|visitor|driver|guest|member|operator|agent)s?\b", re.IGNORECASE)


def sequence(prompt: str) -> str:
    ids: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    lines: list[str] = []
    last_from: dict[str, str] = {}  # who last sent something to each participant (replies go back)
    prev: tuple[str, str] | None = None
    in_alt = False

    def who(text: str) -> str:
        text = strip_articles(text.strip())
        k = key(text)
        for known, pid in ids.items():
            if k == known or (k and (k in known.split() or known in k)):
                return pid
        ids[k] = f"p{len(ids) + 1}"
        names.append((ids[k], name_of(text)))
        return ids[k]

    def parse(clause: str) -> re.Match[str] | None:
        m = _CLAUSE.match(clause)
        if not m or len(m.group("subj").split()) > 4:
            # "the server resizes it": a known participant, or "the <noun>", and any verb
            m = re.match(r"^(?P<subj>(?:the |a |an )?[\w-]+(?: [\w-]+)?)\s+(?P<verb>\w+s)\b\s*(?P<rest>.*)$", clause,
                         re.IGNORECASE)
            if m and key(m.group("subj")) not in ids and not re.match(r"(?:the|a|an)\s", m.group("subj"), re.I):
                m = None
        return m

    def message(clause: str, indent: str) -> bool:
        nonlocal prev
        m = parse(clause)
        if not m:
            if prev is None:
                return False
            lines.append(f"{indent}{prev[0]}->>{prev[1]}: {capitalize(label(clause, 50))}")
            return True
        src = who(m.group("subj"))
        verb, rest = m.group("verb"), m.group("rest").strip()
        target = None
        p = _PREP.search(" " + rest)
        if p and len(p.group("target").split()) <= 4:
            target = who(p.group("target"))
            rest = (" " + rest)[:p.start()].strip()
        else:
            for known, pid in ids.items():  # "the app calls the auth service": the object is a participant
                if known and pid != src and re.search(rf"\b{re.escape(known)}s?\b", key(rest)):
                    target = pid
                    rest = ""
                    break
        reply = bool(_REPLY.match(verb))
        addressed = re.match(r"(?:calls?|asks?|tells?|notif|pays?|messages?|emails?|pings?|invokes?|quer|contacts?|"
                             r"informs?|sends?|forwards?|passes|hands?|delivers?|submits?|posts?|requests?)", verb,
                             re.IGNORECASE)
        if target is None:  # replies go back; a message goes on to the last partner; other verbs stay put
            target = last_from.get(src) if reply else (prev[1] if addressed and prev and prev[1] != src else None)
        if target is None and len(rest.split()) <= 3 and rest and addressed:
            target = who(rest)
            rest = ""
        if target is None and (addressed or re.match(r"(?:uploads?|submits?|enters?|clicks?|opens?|logs? in|"
                                                      r"signs? in|places?|orders?)", verb, re.IGNORECASE)):
            target = "{NEXT}"  # "a user uploads a photo, the server …": whoever acts next receives it
        target = target or src
        text = capitalize(label(f"{verb} {rest}".strip(), 50))
        lines.append(f"{indent}{src}{'-->>' if reply else '->>'}{target}: {text}")
        last_from[target] = src
        prev = (src, target)
        return True

    steps: list[str] = []
    for clause in clauses(_body(prompt)):
        if re.match(r"^(?:if|when|otherwise|else)\b", clause, re.IGNORECASE):
            steps.append(clause)
        else:
            steps += [c for c in re.split(rf",\s*(?:and\s+)?(?:then\s+)?|\s+and then\s+|\s+and\s+(?=(?:{_VERBS})\b)",
                                          clause, flags=re.IGNORECASE) if c.strip()]
    subject: str | None = None
    for clause in steps:
        # "…, stores it in S3": no subject of its own, so the previous clause's subject acts
        lead = re.match(rf"^(?:{_VERBS})\b", clause, re.IGNORECASE)
        if lead and subject:
            clause = f"{subject} {clause}"
        m_subj = parse(clause)
        if m_subj:
            subject = m_subj.group("subj")
        alt = re.match(r"^(?:if|when)\s+(?P<cond>.+?),\s*(?P<rest>.+)$", clause, re.IGNORECASE)
        other = re.match(r"^(?:otherwise|else|if not)\s*,?\s*(?P<rest>.+)$", clause, re.IGNORECASE)
        loop = re.match(r"^(?P<rest>.+?)\s+(?:until|while|every)\s+(?P<cond>.+)$", clause, re.IGNORECASE)
        if in_alt and not other:
            lines.append("  end")
            in_alt = False
        if alt:
            lines.append(f"  alt {label(alt.group('cond'), 40)}")
            message(alt.group("rest"), "    ")
            in_alt = True
        elif other and in_alt:
            lines.append(f"  else {label('otherwise', 40)}")
            message(other.group("rest"), "    ")
            lines.append("  end")
            in_alt = False
        elif loop:
            lines.append(f"  loop until {label(loop.group('cond'), 40)}")
            if not message(loop.group("rest"), "    "):
                lines.pop()
            else:
                lines.append("  end")
        else:
            message(clause, "  ")
    if in_alt:
        lines.append("  end")
    for n, line in enumerate(lines):
        if "{NEXT}" in line:
            src = line.strip().split("->>")[0].rstrip("-")
            later = [m.group(1) for ln in lines[n + 1:] if (m := re.match(r"\s*(p\d+)-", ln))]
            nxt = next((p for p in later if p != src), src)
            lines[n] = line.replace("{NEXT}", nxt)
    if not any("->>" in line for line in lines):
        user, system = who("User"), who("System")
        lines = [f"  {user}->>{system}: {capitalize(label(c, 50))}" for c in clauses(_body(prompt))[:20]]
        lines = lines or [f"  {user}->>{system}: {capitalize(label(prompt, 50))}"]
    head = [f"  {'actor' if _PEOPLE.search(name) else 'participant'} {pid} as {name}" for pid, name in names]
    return "sequenceDiagram\n" + "\n".join(head + lines) + "\n"


# ------------------------------------------------------------------ state
_MOVE = (r"(?:goes|go|moves?|transitions?|changes?|switches|switch|turns?|becomes?|leads?|returns?|goes back|"
         r"falls back|enters?)")
_TRANS = [
    re.compile(rf"^(?:from\s+)?(?P<a>[\w' -]+?)\s+(?:state\s+)?{_MOVE}\s+(?:to|into|back to)?\s*(?P<b>[\w' -]+?)"
               r"(?:\s+(?:when|on|after|if|once|upon|because)\s+(?P<e>.+))?$", re.IGNORECASE),
    re.compile(r"^from\s+(?P<a>[\w' -]+?)\s+(?:to|it goes to|it moves to)\s+(?P<b>[\w' -]+?)"
               r"(?:\s+(?:when|on|after|if|once|upon)\s+(?P<e>.+))?$", re.IGNORECASE),
    re.compile(rf"^(?:when|on|after|once|if|upon)\s+(?P<e>.+?),?\s+(?:it\s+|the \w+\s+)?(?:{_MOVE}|is)\s+"
               r"(?:from\s+(?P<a>[\w' -]+?)\s+)?(?:to|into)?\s*(?P<b>[\w' -]+)$", re.IGNORECASE),
]
_LIST = re.compile(r"(?:states?|statuses|stages)\s*(?:are|is|include|includes|:)\s*(?P<list>.+)$", re.IGNORECASE)
_START = re.compile(r"(?:starts?|begins?|is created|initially is|starts out)\s+(?:in|as|at|with)?\s*(?:the\s+)?"
                    r"(?P<a>[\w' -]+?)(?:\s+state)?$", re.IGNORECASE)
_FINAL = re.compile(r"\b(?:succeeded|failed|done|closed|completed?|cancell?ed|delivered|finished|archived|ended|"
                    r"terminated|resolved|refunded|deleted|expired|rejected|shipped)\b", re.IGNORECASE)


def state(prompt: str) -> str:
    ids: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    edges: list[tuple[str, str, str | None]] = []
    initial: str | None = None
    current: str | None = None

    def sid(text: str) -> str:
        text = re.sub(r"\s+state$", "", strip_articles(text.strip()), flags=re.IGNORECASE)
        text = " ".join(text.split()[:3])
        k = key(text)
        if k not in ids:
            ids[k] = f"s{len(ids) + 1}"
            names.append((ids[k], name_of(text)))
        return ids[k]

    steps: list[str] = []
    for clause in clauses(_body(prompt)):
        if _LIST.search(clause):
            steps.append(clause)
            continue
        for part in re.split(r",\s*(?:and\s+)?(?:then\s+)?", clause):
            # "a ticket transitions from new to open": the subject is the machine, not a state
            steps.append(re.sub(r"^.*?\b(?:transitions?|moves?|goes|changes?)\s+(?=from\s)", "", part.strip(),
                                flags=re.IGNORECASE))
    for clause in filter(None, steps):
        m_list = _LIST.search(clause)
        if m_list:
            for item in split_list(m_list.group("list")):
                sid(item)
            continue
        m_start = _START.search(clause)
        if m_start and not any(t.match(clause) for t in _TRANS[:2]):
            initial = sid(m_start.group("a"))
            current = initial
            continue
        for pattern in _TRANS:
            m = pattern.match(clause)
            if m:
                a = sid(m.group("a")) if m.group("a") else current
                b = sid(m.group("b"))
                if a is None:
                    a = initial = initial or sid("Start")
                edges.append((a, b, m.group("e")))
                current = b
                break
    alternatives: list[str] = []
    if not names:
        listed = clauses(_body(prompt))[-1] if clauses(_body(prompt)) else prompt
        head, _, tail = listed.rpartition(",")
        if " or " in tail:  # "queued, running, succeeded or failed": the last ones are alternative ends
            alternatives = [sid(alt) for alt in re.split(r"\s+or\s+", tail.strip()) if alt.strip()]
            listed = head
        for item in split_list(listed)[:12]:
            sid(item)
        names.sort(key=lambda n: n[0] in alternatives)  # alternatives after the sequence
    if not edges:  # states listed without transitions: the order they were named
        chain = [n for n in names if n[0] not in alternatives]
        edges = [(a, b, None) for (a, _), (b, _) in itertools.pairwise(chain)]
        edges += [(chain[-1][0], alt, None) for alt in alternatives if chain]
    if not names:
        sid(label(prompt, 40))
    initial = initial or (edges[0][0] if edges else names[0][0])
    lines = ["stateDiagram-v2"]
    lines += [f'  state "{name}" as {s}' for s, name in names]
    lines.append(f"  [*] --> {initial}")
    for a, b, e in edges:
        lines.append(f"  {a} --> {b} : {label(e, 40)}" if e else f"  {a} --> {b}")
    outgoing = {a for a, _, _ in edges}
    for s, name in names:
        if s not in outgoing and (s in alternatives or _FINAL.search(name) or (bool(edges) and s == edges[-1][1])):
            lines.append(f"  {s} --> [*]")
    return "\n".join(lines) + "\n"
