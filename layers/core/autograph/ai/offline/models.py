"""Offline builders for data models: class diagrams (inheritance, members, associations) and ER
diagrams (entities, attributes, cardinalities)."""

from __future__ import annotations

import re

from .graphs import _body
from .text import clauses, ident, key, label, pascal, singular, split_list, strip_articles, upper_snake

_MANY = r"many|multiple|several|a list of|lists of|a set of|a number of|any number of|zero or more|one or more|" \
        r"at least one|one or many|some"
_INHERIT = re.compile(r"^(?P<sub>.+?)\s+(?:extends?|inherits? from|(?:is|are) (?:a |an )?(?:kind|type|subclass|"
                      r"specialization|subtype)s? of|(?:is|are) (?:a|an)|derives? from)\s+(?P<sup>[\w -]+)$",
                      re.IGNORECASE)
_HAS = re.compile(rf"^(?P<owner>.+?)\s+(?P<verb>has|have|contains?|owns?|holds?|includes?|keeps?|stores?|"
                  rf"manages?|uses?|references?|is composed of|consists of|with)\s+(?P<q>{_MANY}|an?|one|the)?\s*"
                  r"(?P<items>.+)$", re.IGNORECASE)
_CAN = re.compile(r"^(?P<owner>.+?)\s+(?:can|could|is able to|are able to|should be able to|may|must)\s+(?P<ops>.+)$",
                  re.IGNORECASE)
_ATTR_HINT = re.compile(r"^(?:id|name|email|e-mail|title|price|amount|total|balance|date|status|age|address|phone|"
                        r"password|description|quantity|count|size|color|colour|type|code|number|rating|created|"
                        r"updated|url|text|body|level|score|salary|weight|height|isbn|sku|owner|author|year|"
                        r"first name|last name|username|\w+ (?:id|name|date|number|count|at))$", re.IGNORECASE)


def _attr_type(name: str) -> str:
    n = name.lower()
    if n == "id" or n.endswith("_id"):
        return "string"
    if re.search(r"date|_at$|created|updated|time", n):
        return "date"
    if re.search(r"price|amount|total|balance|salary|cost|weight|height|rating", n):
        return "float"
    if re.search(r"count|quantity|age|number|year|level|score|size", n):
        return "int"
    if n.startswith(("is_", "has_")):
        return "bool"
    return "string"


def _classes_named(text: str) -> set[str]:
    return {pascal(m) for m in re.findall(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b", text) if m.lower() not in
            ("a", "an", "the", "each", "every", "if", "when", "then", "it", "class", "classes", "draw", "create")}


def class_diagram(prompt: str) -> str:
    members: dict[str, list[str]] = {}
    relations: list[str] = []
    explicit = _classes_named(_body(prompt))

    def cls(text: str) -> str:
        name = pascal(" ".join(strip_articles(text).split()[-3:]))
        name = singular(name)
        members.setdefault(name, [])
        return name

    for clause in clauses(_body(prompt)):
        lst = re.match(r"^(?:the\s+)?classes\s*(?:are|:)\s*(?P<l>.+)$", clause, re.IGNORECASE)
        if lst:
            for item in split_list(lst.group("l")):
                cls(item)
            continue
        m = _INHERIT.match(clause)
        if m:
            sup = cls(m.group("sup"))
            for sub in split_list(m.group("sub")):
                relations.append(f"  {sup} <|-- {cls(sub)}")
            continue
        m = _CAN.match(clause)
        if m:
            owner = cls(m.group("owner"))
            for op in split_list(m.group("ops")):
                members[owner].append(f"    +{ident(' '.join(op.split()[:3]))}()")
            continue
        m = _HAS.match(clause)
        if m:
            owners = [cls(o) for o in split_list(m.group("owner"))]
            many = bool(m.group("q") and re.fullmatch(_MANY, m.group("q"), re.IGNORECASE))
            for item in split_list(re.sub(r"^(?:attributes?|fields?|properties)\s*:?\s*", "", m.group("items"))):
                item = strip_articles(item)
                as_class = pascal(" ".join(item.split()[-3:]))
                plural = item.lower().endswith("s") and singular(item) != item and " " not in item.strip()
                is_class = (many or plural or singular(as_class) in members or singular(as_class) in explicit
                            or as_class in explicit) and not _ATTR_HINT.match(item)
                for owner in owners:
                    if is_class:
                        target = cls(item)
                        arrow = "*--" if m.group("verb").lower().startswith(("contain", "is composed", "consist")) \
                            else "-->"
                        card = ' "1" ' + arrow + ' "*" ' if many else f" {arrow} "
                        verb = m.group("verb").lower()
                        relations.append(f"  {owner}{card}{target} : {'has' if verb == 'with' else verb}")
                    else:
                        members[owner].append(f"    +{_attr_type(ident(item)).capitalize()} {ident(item)}")
    if not members:
        for word in explicit or {pascal(prompt)}:
            members.setdefault(word, [])
    lines = ["classDiagram"]
    for name, body in members.items():
        unique = list(dict.fromkeys(body))
        lines += [f"  class {name} {{", *unique, "  }"] if unique else [f"  class {name}"]
    lines += list(dict.fromkeys(relations))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ ER
_CARD = [  # (phrase, right-hand cardinality); the first that matches wins
    (r"one or more|at least one|one or many", "|{"),
    (r"zero or more|many|multiple|several|any number of|a list of|some|lots of", "o{"),
    (r"zero or one|at most one|an optional|optionally an?|maybe an?|possibly an?", "o|"),
    (r"exactly one|one|an?|a single|its own", "||"),
]
_QUANT = re.compile(r"\b(?P<q>" + "|".join(p for p, _ in _CARD) + r")\s+(?P<b>[\w-]+(?: [\w-]+)?)", re.IGNORECASE)
_ER_ATTRS = re.compile(r"^(?P<e>.+?)\s+(?:has|have|with|stores?|keeps?|records?|is described by)\s+"
                       r"(?:(?:an?|the|attributes?|fields?|columns?)\s*:?\s*)?(?P<attrs>.+)$", re.IGNORECASE)


def er(prompt: str) -> str:
    entities: dict[str, list[str]] = {}
    rels: list[str] = []

    def ent(text: str) -> str:
        words = strip_articles(text).split()
        name = upper_snake(" ".join(words[-2:]) if len(words) > 1 and words[-1].lower() not in ("id",) else
                           " ".join(words))
        entities.setdefault(name, [])
        return name

    pending_attrs: list[tuple[str, str]] = []
    for clause in clauses(_body(prompt)):
        for part in re.split(r",\s*(?:and\s+)?(?=(?:each|every|a|an|one)\s)", clause):
            m = next((q for q in _QUANT.finditer(part) if len(strip_articles(part[:q.start()]).split()) >= 2), None)
            left = part[:m.start()].strip() if m else ""
            words = strip_articles(left).split()
            target = split_list(part[m.start("b"):])[0] if m else ""
            if m and len(words) >= 2 and not _ATTR_HINT.match(strip_articles(target)) and len(target.split()) <= 3:
                verb_len = 2 if words[-1].lower() in ("to", "of", "in", "on", "for", "with", "by") and len(words) >= 3 \
                    else 1
                verb = " ".join(words[-verb_len:]).lower()
                a, b = ent(" ".join(words[:-verb_len])), ent(target)
                right = next(c for p, c in _CARD if re.fullmatch(p, m.group("q"), re.IGNORECASE))
                owned = verb.startswith(("belong", "is part of", "is in", "is assigned", "is owned"))
                if owned and right in ("||", "o|"):
                    rels.append(f"  {b} ||--o{{ {a} : has")
                else:
                    left_card = "}o" if re.search(r"many|multiple", left, re.IGNORECASE) else "||"
                    rels.append(f'  {a} {left_card}--{right} {b} : "{label(verb, 30)}"')
                continue
            m_attr = _ER_ATTRS.match(part)
            if m_attr:
                pending_attrs.append((m_attr.group("e"), m_attr.group("attrs")))
    for owner, attrs in pending_attrs:
        name = ent(owner)
        for attr in split_list(attrs):
            attr = ident(strip_articles(attr))[:40]
            if upper_snake(attr) in entities:
                continue
            entities[name].append(f"    {_attr_type(attr)} {attr}{' PK' if attr == 'id' else ''}")
    if not entities:
        filler = {"then", "until", "when", "with", "many", "more", "from", "into", "that", "this", "have", "some",
                  "each", "every", "otherwise", "draw", "diagram", "show", "create"}
        for word in [w for w in re.findall(r"[A-Za-z]{4,}", prompt) if w.lower() not in filler][:3] or ["Entity"]:
            ent(word)
    lines = ["erDiagram"]
    lines += list(dict.fromkeys(rels))
    for name, attrs in entities.items():
        if attrs:
            lines += [f"  {name} {{", *dict.fromkeys(attrs), "  }"]
        elif not any(f" {name} " in r + " " or r.startswith(f"  {name} ") for r in rels):
            lines += [f"  {name} {{", "    string id PK", "  }"]
    return "\n".join(lines) + "\n"


def entity_key(text: str) -> str:
    return key(text)
