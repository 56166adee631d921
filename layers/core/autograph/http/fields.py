"""Strict request input shared by every app: a base for request bodies (unknown fields are a
422 that names them) and single-line text for titles, names, labels and tags.

The rules are in the OpenAPI schema too (`pattern`), so a request that matches the schema is
accepted, but they are enforced by a validator whose message says what is wrong (pydantic's
own pattern error would only quote the regular expression).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

# C0 controls (NUL, line breaks, tabs, escape ...), DEL and the C1 controls.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# In multi-line text (diagram source, notes, canvas text): the C0 controls XML 1.0 cannot carry,
# so tab, line feed and carriage return stay allowed.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
# The same rule as a JSON-schema pattern: no control character, at least one visible character.
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


class RequestModel(BaseModel):
    """Base for request bodies: a field the model does not know is reported as unknown (422)."""

    model_config = ConfigDict(extra="forbid")


def single_line(value: str) -> str:
    match = CONTROL.search(value)
    if match:
        raise ValueError(f"must not contain control characters (found U+{ord(match.group()):04X} "
                         f"at position {match.start()})")
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


# A visible single line of text: no control characters (NUL included), not whitespace only.
# Models add their own length limits: `title: SingleLine = Field(max_length=200)`.
SingleLine = Annotated[str, AfterValidator(single_line), Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})]


def text(value: str) -> str:
    match = TEXT_CONTROL.search(value)
    if match:
        raise ValueError(f"must not contain control characters other than tab and line breaks (found "
                         f"U+{ord(match.group()):04X} at position {match.start()})")
    return value


# Multi-line text that ends up in SVG, PDF or Markdown: no NUL or other C0 control but tab/CR/LF.
Text = Annotated[str, AfterValidator(text), Field(json_schema_extra={"pattern": TEXT_PATTERN})]


# The names email-validator refuses whatever the syntax (RFC 6761 special-use and reserved).
RESERVED_EMAIL_DOMAINS = r"[.@](arpa|invalid|local|localhost|onion|test)$"
# An e-mail address that can receive mail; the schema names the reserved domains it refuses, so a
# schema-valid address is never a 422.
Email = Annotated[EmailStr, Field(max_length=320, json_schema_extra={
    "not": {"pattern": RESERVED_EMAIL_DOMAINS},
    "description": "An address that can receive mail (not .test, .local, .invalid, .localhost, .onion, .arpa)"})]
