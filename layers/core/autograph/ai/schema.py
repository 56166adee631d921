"""Wire models of the AI routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ..http.fields import RequestModel, SingleLine

DiagramKind = Literal["auto", "flowchart", "sequence", "class", "state", "er", "gantt", "timeline", "mindmap", "pie",
                      "architecture"]
PROMPT_MAX = 4000


class GenerateIn(RequestModel):
    prompt: str = Field(min_length=1, max_length=PROMPT_MAX, description="What to draw, in plain words")
    diagram_type: DiagramKind = "auto"
    provider: Literal["bedrock", "openai", "anthropic", "offline"] | None = Field(
        default=None, description="Start the chain at this provider (it must be configured)")
    model: str | None = Field(default=None, max_length=200, description="One of the models GET /v1/ai/providers "
                              "lists (a model not offered is noted in `attempts` and the default answers)")
    save: bool = False
    title: SingleLine | None = Field(default=None, max_length=200)
    folder_id: str | None = Field(default=None, max_length=64)


class RefineIn(RequestModel):
    instruction: str = Field(min_length=1, max_length=PROMPT_MAX, description="The change, in plain words")


class Attempt(BaseModel):
    provider: str
    model: str
    outcome: str = Field(description="ok | repaired | invalid | timeout | throttled | server | client | config | "
                         "error | skipped")
    error: str | None = None
    ms: int


class Usage(BaseModel):
    input_tokens: int
    output_tokens: int
    estimated_cost_usd: float


class Validation(BaseModel):
    valid: bool
    errors: list[Any]
    warnings: list[Any]


class GenerateOut(BaseModel):
    mermaid: str
    diagram_type: str
    title: str
    provider: str
    model: str
    attempts: list[Attempt]
    usage: Usage
    validation: Validation
    diagram: dict[str, Any] | None = None


class RefineOut(GenerateOut):
    diff: dict[str, Any] = Field(description="Structured diff against the previous version")


class AiJob(BaseModel):
    id: str
    kind: Literal["generate", "refine"]
    status: Literal["queued", "running", "succeeded", "failed"]
    created_at: str
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class ProviderInfo(BaseModel):
    name: str
    models: list[str]
    breaker: Literal["closed", "open", "half-open"]
    default: bool


class ProvidersOut(BaseModel):
    chain: list[str]
    default: str
    providers: list[ProviderInfo]
    limits: dict[str, int]


class UsageRow(BaseModel):
    day: str
    provider: str
    model: str
    calls: int
    input_tokens: int
    output_tokens: int
    estimated_cost_usd: float


class UsageOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    items: list[UsageRow]
    total_tokens: int
    estimated_cost_usd: float


class HistoryEntry(BaseModel):
    id: str
    created_at: str
    kind: str
    prompt_sha256: str
    prompt_start: str
    diagram_type: str | None = None
    provider: str
    model: str
    outcome: str
    diagram_id: str | None = None
