"""Text helpers of the offline generator: clauses, names and labels taken from the user's words.

Everything here is plain string work (no model, no network): the generator has to answer in a
few milliseconds and give the same diagram for the same prompt.
"""

from __future__ import annotations

import re

ARTICLES = {"a", "an", "the", "each", "every", "its", "their", "his", "her", "our", "my", "your", "some", "this",
            "that", "these", "those"}
# Words that start a clause but carry no content ("then the user pays" -> "the user pays").
LEADERS = re.compile(r"^(?:and\s+|or\s+|so\s+|next,?\s+|finally,?\s+|after that,?\s+|afterwards,?\s+|"
                     r"then,?\s+|first,?\s+|second,?\s+|third,?\s+|lastly,?\s+|also,?\s+|\d+[.)]\s+|[-*•]\s+)+",
                     re.IGNORECASE)
_SPLIT = re.compile(r"(?:\r?\n)+|(?<=[.!?;])\s+|\s*(?:->|=>|→)\s*|,\s*(?:and\s+)?then\s+|\s+and then\s+|\s+then\s+|"
                    r",\s*(?:next|finally|after that|afterwards)\b,?\s*", re.IGNORECASE)
# Characters that would end or break a quoted Mermaid label.
_UNSAFE = re.compile(r"[\"`<>{}\[\]|#;\\]")
_SPACES = re.compile(r"\s+")


def clauses(text: str) -> list[str]:
    """The prompt cut into clauses, in order, with leading filler removed."""
    out = []
    for part in _SPLIT.split(text):
        part = LEADERS.sub("", (part or "").strip().strip(".!?;:,").strip())
        if part:
            out.append(part)
    return out


def label(text: str, limit: int = 60) -> str:
    """A label in the user's words that is safe inside a quoted Mermaid label."""
    text = _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip(" ,.:;-")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return text or "Step"


def strip_articles(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in ARTICLES:
        words = words[1:]
    return " ".join(words)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def name_of(text: str) -> str:
    """A thing's display name: articles dropped, first letter capitalised."""
    return capitalize(label(strip_articles(text.strip())))


def pascal(text: str) -> str:
    """`order line` -> `OrderLine` (class names)."""
    words = re.findall(r"[A-Za-z0-9]+", strip_articles(text))
    return "".join(w[:1].upper() + w[1:] for w in words) or "Thing"


# Words Mermaid's ER grammar reads as cardinality or keywords: never an entity's whole name.
_ER_RESERVED = {"MANY", "ONE", "ONLY", "ZERO", "OR", "MORE", "TO", "OPTIONALLY", "IDENTIFYING", "NON", "U", "PK",
                "FK", "UK", "DIRECTION", "STYLE", "CLASS", "CLASSDEF", "ACCTITLE", "ACCDESCR", "TITLE", "ERDIAGRAM"}


def upper_snake(text: str) -> str:
    """`order line` -> `ORDER_LINE` (ER entity names), singular."""
    words = [singular(w) for w in re.findall(r"[A-Za-z0-9]+", strip_articles(text).lower())]
    name = "_".join(words).upper() or "ENTITY"
    if name[0].isdigit():
        name = "E_" + name
    return name + "_ENTITY" if name in _ER_RESERVED else name


def ident(text: str) -> str:
    """A Mermaid-safe identifier (attribute and method names)."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    name = "_".join(words) or "value"
    return "v_" + name if name[0].isdigit() else name


def singular(word: str) -> str:
    lower = word.lower()
    if len(lower) > 4 and lower.endswith("ies"):
        return word[:-3] + "y"
    if len(lower) > 4 and lower.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def split_list(text: str) -> list[str]:
    """`a, b and c` -> [a, b, c]."""
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*/\s*", text)
    return [p.strip(" .") for p in parts if p and p.strip(" .")]


def split_top(text: str) -> list[str]:
    """split_list that leaves parentheses alone: `a (x, y), b` -> [`a (x, y)`, `b`]."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    parts: list[str] = []
    for piece in out:
        parts += [piece] if "(" in piece else re.split(r"\s+and\s+", piece)
    return [re.sub(r"^\s*(?:and|or)\s+", "", p).strip(" .") for p in parts if p.strip(" .")]


def key(text: str) -> str:
    """Comparison key for matching names: lower case, articles and plural s dropped."""
    return " ".join(singular(w) for w in re.findall(r"[a-z0-9]+", strip_articles(text.lower())))


def title_from(prompt: str, limit: int = 60) -> str:
    first = clauses(prompt)[:1]
    return capitalize(label(first[0] if first else prompt, limit))
