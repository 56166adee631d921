"""The diagram's wire schema (pydantic), documented in the OpenAPI document.

Structural rules (field types, shape types, unknown fields) are pydantic's and answer 422. Rules
that span shapes (duplicate ids, dangling bindings, parents that are not frames) are checked in
`canvas.validate` (422); size limits (bytes, shape count) in `content.check_limits` (413).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..http.fields import SingleLine, Text

DiagramType = Literal["mermaid", "canvas", "note", "mixed"]
ShapeType = Literal["rectangle", "ellipse", "diamond", "text", "arrow", "line", "freehand", "frame", "note"]
Role = Literal["owner", "editor", "viewer"]

TITLE_MAX = 200
TAG_MAX = 50
TAGS_MAX = 20
TagText = Annotated[SingleLine, Field(max_length=TAG_MAX)]


class Style(BaseModel):
    """Visual style of a shape. Colours are CSS colours (`#rrggbb`, names)."""

    model_config = ConfigDict(extra="forbid")
    stroke: Text | None = Field(default=None, max_length=64)
    fill: Text | None = Field(default=None, max_length=64)
    stroke_width: float | None = Field(default=None, ge=0, le=100)
    dash: Literal["solid", "dashed", "dotted"] | None = None
    font_size: float | None = Field(default=None, gt=0, le=512)
    opacity: float | None = Field(default=None, ge=0, le=1)


class Shape(BaseModel):
    """One canvas shape. `points` (absolute [x, y] pairs) belong to `arrow`, `line` and `freehand`;
    `start`/`end` bind an arrow or line to other shapes' ids; `parent_id` names the enclosing frame."""

    model_config = ConfigDict(extra="forbid")
    id: Text = Field(min_length=1, max_length=100)
    type: ShapeType
    x: float = Field(default=0, ge=-1e6, le=1e6)
    y: float = Field(default=0, ge=-1e6, le=1e6)
    w: float = Field(default=0, ge=0, le=1e6)
    h: float = Field(default=0, ge=0, le=1e6)
    rotation: float = Field(default=0, ge=-360, le=360)
    style: Style | None = None
    text: Text | None = Field(default=None, max_length=10_000)
    parent_id: Text | None = Field(default=None, max_length=100)
    points: list[tuple[float, float]] | None = Field(default=None, max_length=10_000)
    start: Text | None = Field(default=None, max_length=100, description="Bound shape id (arrow/line)")
    end: Text | None = Field(default=None, max_length=100, description="Bound shape id (arrow/line)")


class Canvas(BaseModel):
    """A canvas document: at most 5,000 shapes and 5 MB of JSON."""

    model_config = ConfigDict(extra="forbid")
    shapes: list[Shape] = Field(default_factory=list)
    background: Text | None = Field(default=None, max_length=64)


class Content(BaseModel):
    """Which parts a diagram carries depends on its type: `mermaid` (source, <= 100 KB),
    `canvas` (shapes), `note` (Markdown, <= 1 MB); a `mixed` diagram may carry all three."""

    model_config = ConfigDict(extra="forbid")
    mermaid: Text | None = None
    canvas: Canvas | None = None
    note: Text | None = None


class DiagramCreate(BaseModel):
    # The schema says what create() checks: a type and maybe content, or a template that gives
    # both (a matching type alongside a template is accepted too, but not promised here).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"required": ["type"], "properties": {"type": {"type": "string"}, "template_id": {"type": "null"}}},
        {"required": ["template_id"], "properties": {"template_id": {"type": "string", "minLength": 1},
                                                     "type": {"type": "null"}, "content": {"type": "null"}}}]})
    title: SingleLine = Field(min_length=1, max_length=TITLE_MAX)
    type: DiagramType | None = Field(default=None, description="Required unless template_id is given")
    content: Content | None = None
    folder_id: str | None = Field(default=None, max_length=64)
    tags: list[TagText] = Field(default_factory=list, max_length=TAGS_MAX)
    template_id: str | None = Field(default=None, min_length=1, max_length=100)


class DiagramPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: SingleLine | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    type: DiagramType | None = None
    content: Content | None = None
    tags: list[TagText] | None = Field(default=None, max_length=TAGS_MAX)


class DiagramSummary(BaseModel):
    id: str
    title: str
    type: DiagramType
    folder_id: str | None = None
    tags: list[str]
    starred: bool
    version: int
    owner_id: str
    created_at: str
    updated_at: str
    last_edited_by: str
    size_bytes: int
    role: Role | None = Field(default=None, description="The caller's access to this diagram")
    deleted_at: str | None = Field(default=None, description="Set while the diagram is in the trash")
    purge_at: str | None = Field(default=None, description="When the trash empties itself of it")
    thumbnail_url: str | None = Field(default=None, description="A 256x256 PNG of the current content, once "
                                      "drawn (presigned, 1 hour)")


class Diagram(DiagramSummary):
    content: Content


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    folder_id: str | None = Field(max_length=64)


class BulkIn(BaseModel):
    # The tag action needs tags (said in the schema too, so a schema-valid request is accepted).
    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"properties": {"action": {"enum": ["delete", "restore", "move", "star", "unstar"]}}},
        {"required": ["tags"], "properties": {"action": {"const": "tag"},
                                              "tags": {"type": "array", "minItems": 1}}}]})
    action: Literal["delete", "restore", "move", "star", "unstar", "tag"]
    ids: list[str] = Field(min_length=1, max_length=100)
    folder_id: str | None = Field(default=None, max_length=64)
    tags: list[TagText] | None = Field(default=None, max_length=TAGS_MAX)


class BulkResult(BaseModel):
    id: str
    status: Literal["ok", "not_found", "forbidden", "conflict"]
    detail: str | None = None


class BulkOut(BaseModel):
    action: str
    results: list[BulkResult]


class VersionSummary(BaseModel):
    number: int
    created_at: str
    author: str
    label: str | None = None
    comment: str | None = None
    size_bytes: int
    title: str
    type: DiagramType
    restored_from: int | None = None


class Version(VersionSummary):
    content: Content


class VersionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: SingleLine | None = Field(default=None, max_length=100)
    comment: str | None = Field(default=None, max_length=2000)


class LineChange(BaseModel):
    before: list[str]
    after: list[str]


class TextDiff(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[LineChange]


class GraphDiff(BaseModel):
    added_nodes: list[str]
    removed_nodes: list[str]
    added_edges: list[str]
    removed_edges: list[str]


class ShapeChange(BaseModel):
    id: str
    fields: dict[str, dict[str, object]] = Field(description="field -> {before, after}")


class CanvasDiff(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[ShapeChange]


class DiffOut(BaseModel):
    from_version: int
    to_version: int
    title_changed: bool
    type_changed: bool
    mermaid: TextDiff | None = None
    flowchart: GraphDiff | None = None
    note: TextDiff | None = None
    canvas: CanvasDiff | None = None


class FolderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SingleLine = Field(min_length=1, max_length=100)
    parent_id: str | None = Field(default=None, max_length=64)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class FolderPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: SingleLine | None = Field(default=None, min_length=1, max_length=100)
    parent_id: str | None = Field(default=None, max_length=64)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")


class Crumb(BaseModel):
    id: str
    name: str


class Folder(BaseModel):
    id: str
    name: str
    parent_id: str | None = None
    color: str | None = None
    created_at: str
    updated_at: str


class FolderDetail(Folder):
    path: list[Crumb] = Field(description="Breadcrumb from the root folder down to this one")


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    permission: Literal["view", "edit"] = "view"
    password: str | None = Field(default=None, min_length=8, max_length=128)
    expires_in_days: Literal[1, 7, 30] | None = None


class Share(BaseModel):
    id: str
    permission: Literal["view", "edit"]
    expires_at: str | None = None
    created_at: str
    password_protected: bool
    revoked: bool
    view_count: int
    last_viewed_at: str | None = None


class ShareCreated(BaseModel):
    id: str
    token: str = Field(description="Shown only in this response")
    url: str
    permission: Literal["view", "edit"]
    expires_at: str | None = None


class SharedDiagram(BaseModel):
    """What an anonymous share-link holder sees: the diagram itself, nothing about its owner
    (no ids, folder, stars or tags)."""

    title: str
    type: DiagramType
    version: int
    content: Content
    permission: Literal["view", "edit"]


class CollaboratorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=320)
    role: Literal["viewer", "editor"]


class Collaborator(BaseModel):
    user_id: str
    email: str
    role: Literal["viewer", "editor"]
    added_at: str


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    diagram_id: str = Field(min_length=1, max_length=64)
    name: SingleLine = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=1000)


class Template(BaseModel):
    id: str
    name: str
    description: str | None = None
    type: DiagramType
    builtin: bool
    created_at: str | None = None
    content: Content | None = Field(default=None, description="Included for built-in starters")
