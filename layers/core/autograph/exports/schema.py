"""Wire models of export jobs and of the public render/validate routes (pydantic), documented in
the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..diagrams.schema import Canvas
from ..http.fields import RequestModel, Text

ExportFormat = Literal["svg", "png", "pdf", "json", "md", "html"]
# The schema says what the renderer accepts, so a schema-valid request is never a 422.
BACKGROUND_PATTERN = r"^(transparent|#[0-9a-fA-F]{6})$"
UPLOAD_NAME_PATTERN = r"^[^/\\]*[^/\\.]\.([mM][mM][dD]|[jJ][sS][oO][nN]|[mM][dD])$"
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class _PictureOptions(BaseModel):
    """The format and picture options (scale, background, theme, padding, page): they apply to
    svg/png/pdf, and to the picture inlined in md/html."""

    model_config = ConfigDict(extra="forbid")
    format: ExportFormat
    scale: Literal[1, 2, 4] | None = None
    background: str | None = Field(default=None, max_length=32, pattern=BACKGROUND_PATTERN,
                                   description='"transparent" or "#rrggbb"')
    theme: Literal["default", "dark", "forest", "neutral"] | None = None
    padding: int | None = Field(default=None, ge=0, le=1000)
    page: Literal["a4", "letter"] | None = None

    def options(self) -> dict[str, Any]:
        """The picture options that were given (what the render cache key and the job record hold)."""
        return self.model_dump(include=set(_PictureOptions.model_fields) - {"format"}, exclude_none=True)


class ExportIn(_PictureOptions):
    """What to export: a format, picture options and optionally an older version."""

    version: int | None = Field(default=None, ge=1, description="A version number; default: the current one")


class _BatchOptions(_PictureOptions):
    pass


class BatchByIds(_BatchOptions):
    """Up to 100 diagrams by id (ones you cannot read are reported as not found)."""

    diagram_ids: list[str] = Field(min_length=1, max_length=100)


class BatchByFolder(_BatchOptions):
    """The live diagrams of one of your folders (the first 100 by title)."""

    folder_id: str = Field(min_length=1, max_length=64)


BatchIn = BatchByIds | BatchByFolder


class JobError(BaseModel):
    type: str = Field(description="validation | limit | not_found | infrastructure")
    detail: str
    line: int | None = None
    column: int | None = None


class Timings(BaseModel):
    queue_ms: int | None = None
    render_ms: int | None = None
    upload_ms: int | None = None


class JobFile(BaseModel):
    file_name: str
    size_bytes: int
    sha256: str
    url: str | None = None


class Job(BaseModel):
    id: str
    kind: Literal["export", "batch", "inbox"] = "export"
    diagram_id: str | None = None
    version: int | None = None
    format: str
    options: dict[str, Any]
    status: JobStatus
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    timings: Timings
    size_bytes: int | None = None
    sha256: str | None = None
    file_name: str | None = None
    error: JobError | None = None
    url: str | None = Field(default=None, description="Presigned GET (15 minutes), once succeeded")
    url_expires_at: str | None = None
    files: list[JobFile] | None = Field(default=None, description="Every file an upload produced (inbox jobs)")


class UploadIn(BaseModel):
    """A file to convert: PUT it to the returned URL; the job lists what it produced."""

    model_config = ConfigDict(extra="forbid")
    file_name: str = Field(min_length=1, max_length=200, pattern=UPLOAD_NAME_PATTERN,
                           description="Ends in .mmd, .json or .md")
    formats: list[Literal["svg", "png", "pdf"]] = Field(default_factory=lambda: ["svg", "png"], min_length=1,
                                                        max_length=3)
    scale: Literal[1, 2, 4] | None = None
    background: str | None = Field(default=None, max_length=32, pattern=BACKGROUND_PATTERN)
    theme: Literal["default", "dark", "forest", "neutral"] | None = None
    padding: int | None = Field(default=None, ge=0, le=1000)

    def options(self) -> dict[str, Any]:
        return self.model_dump(exclude={"file_name", "formats"}, exclude_none=True)


class UploadTarget(BaseModel):
    method: Literal["PUT"] = "PUT"
    url: str
    key: str
    expires_at: str


class UploadOut(BaseModel):
    job: Job
    upload: UploadTarget


# ------------------------------------------------------------------ POST /v1/validate, /v1/render
class ValidateIn(RequestModel):
    source: Text = Field(max_length=200_000, description="Mermaid source")


class ValidationErrorOut(BaseModel):
    line: int | None
    column: int | None
    message: str


class ValidateOut(BaseModel):
    valid: bool
    diagram_type: str | None
    errors: list[ValidationErrorOut]
    warnings: list[Any]
    stats: dict[str, int]
    engine: str | None = Field(default=None, description="Engine that would draw it: merman (main) or "
                               "mermaid-rs-renderer (fallback, with a warning); null when invalid")


class RenderIn(RequestModel):
    # "Exactly one of source or canvas", said in the schema too (the validator below enforces it).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [
        {"required": ["source"], "properties": {"source": {"type": "string"}}},
        {"required": ["canvas"], "properties": {"canvas": {"type": "object"}}}]})
    source: Text | None = Field(default=None, description="Mermaid source (≤ 100 KB)")
    canvas: Canvas | None = Field(default=None, description="Canvas document {shapes: [...]}")
    format: Literal["svg", "png", "pdf"] = "svg"
    theme: Literal["default", "dark", "forest", "neutral"] | None = None
    background: str | None = Field(default=None, description='"transparent" or "#rrggbb"',
                                   pattern=r"^(transparent|#[0-9a-fA-F]{6})$")
    scale: Literal[1, 2, 4] | None = None
    padding: int | None = Field(default=None, ge=0, le=1000)
    max_width: int | None = Field(default=None, ge=1, le=20_000)
    max_height: int | None = Field(default=None, ge=1, le=20_000)
    page: Literal["a4", "letter"] | None = None

    @model_validator(mode="after")
    def _one_input(self) -> RenderIn:
        if (self.source is None) == (self.canvas is None):
            raise ValueError("send exactly one of `source` (Mermaid) or `canvas`")
        return self
