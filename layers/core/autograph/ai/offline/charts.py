"""Offline builders for schedules and summaries: gantt, timeline, mindmap and pie."""

from __future__ import annotations

import re
from datetime import date

from .graphs import _body
from .text import capitalize, clauses, key, label, split_list, split_top, strip_articles

_DURATION = re.compile(r"\b(?:takes?|taking|lasts?|lasting|for|of|in|over|about|around|during|will take|should take)?"
                       r"\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>days?|d|weeks?|wks?|w|months?|hours?|h)\b", re.IGNORECASE)
_AFTER = re.compile(r"\b(?:after|once|when)\s+(?P<dep>[\w -]+?)(?:\s+(?:is|are)\s+(?:done|finished|complete[d]?))?$",
                    re.IGNORECASE)
_PARALLEL = re.compile(r"\b(?:in parallel with|at the same time as|alongside|together with)\s+(?P<dep>[\w -]+)$",
                       re.IGNORECASE)
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                            "nov", "dec"))}
# Without a date in the prompt the plan starts on a fixed Monday: the same prompt gives the same
# diagram (tests, caches), and the user edits one line to move it.
DEFAULT_START = "2025-01-06"


def _start(prompt: str) -> str:
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", prompt)
    if m:
        return m.group()
    m = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+"
                  r"(\d{4})\b", prompt, re.IGNORECASE)
    if m:
        try:
            return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))).isoformat()
        except ValueError:
            pass
    return DEFAULT_START


def _days(n: str, unit: str) -> int:
    value = float(n)
    u = unit.lower()[0]
    factor = {"d": 1, "w": 7, "m": 30, "h": 1 / 8}[u]
    return max(1, round(value * factor))


def gantt(prompt: str, title: str) -> str:
    lines = ["gantt", f"  title {label(title)}", "  dateFormat YYYY-MM-DD"]
    tasks: list[tuple[str, str]] = []  # (id, key of name)
    tasks_start: dict[str, str] = {}
    section_open = False
    start = _start(prompt)
    for clause in clauses(_body(prompt)):
        sec = re.match(r"^(?:phase|section|stage|milestone group)\s*(?P<n>[\w ]*?)\s*[:-]\s*(?P<rest>.*)$", clause,
                       re.IGNORECASE)
        if sec:
            lines.append(f"  section {label(capitalize(('Phase ' + sec.group('n')).strip()), 40)}")
            section_open = True
            clause = sec.group("rest")
            if not clause:
                continue
        parts = split_list(clause) if "," in clause and _DURATION.search(clause.split(",")[0]) else [clause]
        for part in parts:
            if not section_open:
                lines.append("  section Plan")
                section_open = True
            m_dur = _DURATION.search(part)
            days = _days(m_dur.group("n"), m_dur.group("u")) if m_dur else 3
            name = part[:m_dur.start()] + part[m_dur.end():] if m_dur else part
            dep = None
            for pattern in (_AFTER, _PARALLEL):
                m_dep = pattern.search(name)
                if m_dep:
                    want = key(m_dep.group("dep"))
                    found = next((tid for tid, k in tasks if want and (want in k or k in want)), None)
                    dep = (found, pattern is _PARALLEL)
                    name = name[:m_dep.start()]
                    break
            name = re.sub(r"\s+(?:takes?|lasts?|will take|should take|is|for|then|and)\s*$", "", name.strip(" ,"),
                          flags=re.IGNORECASE)
            name = capitalize(label(strip_articles(name).replace(":", " ") or f"Task {len(tasks) + 1}", 50))
            tid = f"t{len(tasks) + 1}"
            milestone = re.search(r"\b(?:milestone|launch|release|go[- ]live|deadline)\b", name, re.IGNORECASE) \
                and not m_dur
            if dep and dep[0]:
                when = tasks_start[dep[0]] if dep[1] else f"after {dep[0]}"
            elif tasks:
                when = f"after {tasks[-1][0]}"
            else:
                when = start
            tasks_start[tid] = when
            tasks.append((tid, key(name)))
            kind = "milestone, " if milestone else ""
            lines.append(f"  {name} :{kind}{tid}, {when}, {0 if milestone else days}d")
    if not tasks:
        lines += ["  section Plan", f"  {capitalize(label(prompt, 50))} :t1, {start}, 5d"]
    return "\n".join(lines) + "\n"



_PERIOD = re.compile(r"\b(?:(?:q[1-4]|h[12]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)\s+)?"
                     r"(?:1[0-9]\d\d|20\d\d)s?\b|\b\d{4}-\d{2}(?:-\d{2})?\b", re.IGNORECASE)


def timeline(prompt: str, title: str) -> str:
    periods: dict[str, list[str]] = {}
    last: str | None = None
    for clause in clauses(_body(prompt)):
        hits = list(_PERIOD.finditer(clause))
        if len(hits) > 1:  # "2007 iPhone, 2010 iPad": one event per date
            pieces = [clause[h.start():(hits[i + 1].start() if i + 1 < len(hits) else len(clause))]
                      for i, h in enumerate(hits)]
            if clause[:hits[0].start()].strip(" ,:"):
                pieces[0] = clause[:hits[0].start()] + pieces[0]
        else:
            pieces = [clause]
        for piece in pieces:
            m = _PERIOD.search(piece)
            event = piece
            if m:
                last = capitalize(m.group().strip())
                event = piece[:m.start()] + piece[m.end():]
            event = re.sub(r"^\s*(?:in|on|by|during|around|since|from|at)\s+|\s+(?:in|on|by|during|around)\s*$|"
                           r"^\s*[:,-]\s*", "", event.strip(" ,:;-"), flags=re.IGNORECASE)
            if last is None:
                continue
            periods.setdefault(last, [])
            if event.strip(" ,:;-"):
                periods[last].append(capitalize(label(event.strip(" ,:;-"), 60)).replace(":", " "))
    lines = ["timeline", f"  title {label(title)}"]
    for period, events in periods.items():
        lines.append(f"  {period} : " + " : ".join(events or ["Event"]))
    if not periods:
        for i, clause in enumerate(clauses(_body(prompt))[:12]):
            lines.append(f"  Step {i + 1} : {capitalize(label(clause, 60)).replace(':', ' ')}")
    return "\n".join(lines) + "\n"


def _mm(text: str) -> str:
    return capitalize(re.sub(r"[()\[\]{}:]", " ", label(text, 50)).strip()) or "Idea"


def mindmap(prompt: str) -> str:
    head, sep, rest = prompt.partition(":")
    m_root = re.search(r"\b(?:about|of|on|for|around)\s+(?P<root>[^,:.]+)", head if sep else prompt, re.IGNORECASE)
    root = m_root.group("root") if m_root else (head if sep else clauses(prompt)[0] if clauses(prompt) else prompt)
    root = re.sub(r"\s+(?:with|including|covering|that has)\b.*$", "", root, flags=re.IGNORECASE)
    body = rest if sep else prompt[m_root.end():] if m_root else ""
    body = re.sub(r"^\s*(?:with|including|covering|that has)\s+(?:branches\s+(?:for|on)\s+)?", "", body,
                  flags=re.IGNORECASE)
    lines = ["mindmap", f"  root(({_mm(strip_articles(root))}))"]
    for clause in clauses(body) or []:
        nested = re.match(r"^(?P<b>[^(:,]+?)\s*(?:\((?P<p>[^)]*)\)|:\s*(?P<c>.+)|\s+(?:including|such as|like|with|"
                          r"e\.g\.)\s+(?P<i>.+))$", clause, re.IGNORECASE)
        if nested:
            lines.append(f"    {_mm(nested.group('b'))}")
            for child in split_list(nested.group("p") or nested.group("c") or nested.group("i") or ""):
                lines.append(f"      {_mm(child)}")
            continue
        for item in split_top(clause):
            sub = re.match(r"^(?P<b>[^(]+?)\s*\((?P<p>[^)]*)\)$", item)
            lines.append(f"    {_mm(sub.group('b') if sub else item)}")
            for child in split_list(sub.group("p")) if sub else []:
                lines.append(f"      {_mm(child)}")
    if len(lines) == 2 and not m_root:
        lines.append(f"    {_mm(prompt)}")
    return "\n".join(lines) + "\n"


_SHARE_FIRST = re.compile(r"(?P<v>\d+(?:\.\d+)?)\s*(?:%|percent)?\s*(?:for|on|to|of|is|are|goes to|go to)?\s+"
                          r"(?P<l>[A-Za-z][\w' -]*)")
_LABEL_FIRST = re.compile(r"(?P<l>[A-Za-z][\w' -]*?)\s*(?:is|are|at|:|=|-|takes|gets|has|with|costs?)?\s*[$€£]?"
                          r"(?P<v>\d+(?:\.\d+)?)\s*(?:%|percent)?")


def pie(prompt: str, title: str) -> str:
    _head, sep, rest = prompt.partition(":")
    body = rest if sep else prompt
    slices: dict[str, float] = {}
    for item in re.split(r",\s*(?:and\s+)?|;\s*|\s+and\s+|\n", body):
        item = item.strip(" .")
        if not item:
            continue
        m = _SHARE_FIRST.fullmatch(item) or _LABEL_FIRST.fullmatch(item) or _LABEL_FIRST.search(item) \
            or _SHARE_FIRST.search(item)
        if m:
            name = capitalize(label(strip_articles(m.group("l").strip()), 40))
            if name:
                slices[name] = slices.get(name, 0) + float(m.group("v"))
        elif sep:
            slices[capitalize(label(strip_articles(item), 40))] = 1
    if not slices:
        for item in split_list(body)[:12]:
            slices[capitalize(label(strip_articles(item), 40))] = 1
    lines = [f"pie title {label(title)}"]
    for name, value in slices.items():
        lines.append(f'  "{name}" : {value:g}')
    return "\n".join(lines) + "\n"
