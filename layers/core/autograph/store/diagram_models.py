"""Items of the diagrams domain on the application table (single table, no Scan anywhere).

| item          | pk                    | sk                 | gsi1 pk / sk                          |
|---------------|-----------------------|--------------------|---------------------------------------|
| diagram head  | DIAGRAM#<id>          | META               | DLIVE#<owner> / <updated_at>#<id>     |
| version       | DIAGRAM#<id>          | VERSION#<n:010d>   |                                       |
| collaborator  | DIAGRAM#<id>          | COLLAB#<user_id>   | SHARED#<user_id> / <added_at>#<id>    |
| share link    | SHARE#<sha256(token)> | SHARE              | DSHARES#<diagram_id> / <share_id>     |
| folder        | FOLDERS#<owner>       | FOLDER#<folder_id> |                                       |
| user template | TEMPLATES#<owner>     | TEMPLATE#<tpl_id>  |                                       |

A live diagram head also carries gsi2 = DLIVE#<owner> / <created_at>#<id> and
gsi3 = DLIVE#<owner> / <lower(title)[:100]>#<id>. A trashed head has gsi1 = DTRASH#<owner> /
<deleted_at>#<id> and no gsi2/gsi3 keys, so it drops out of every list but the trash.

- Lists by owner pick the index by `sort` (updated_at -> gsi1, created_at -> gsi2, title -> gsi3) and the
  Query direction by `order`; filters are filter expressions on that Query.
- Trashing moves the head from the DLIVE partitions to DTRASH#<owner> on gsi1 (gsi2/gsi3 keys are
  removed), sets `expires_at` (TTL, 30 days); restore puts the keys back and clears the TTL.
  The same `expires_at` goes on every child (VERSION#, COLLAB#, the SHARE# items of DSHARES#<id>)
  and the diagram's S3 objects get the tag `autograph-trashed=true` (lifecycle: 31 days), so TTL
  leaves no orphans; restore clears both (store/trash.py, diagrams/lifecycle.py).
- Content is JSON in `content_inline` up to the inline threshold, else in the diagrams bucket under
  `diagrams/<id>/<random>.json` with the key in `content_key`. Keys are never reused, so a version
  snapshot and the head can point at the same immutable object.
- Share links are looked up by the SHA-256 of the token (one GetItem); the token itself is never stored.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from .base import GSI1, GSI2, GSI3, TableModel

# Key formats, written once: the store modules build every key of this table through these.
VERSION_SK = "VERSION#"
COLLAB_SK = "COLLAB#"
FOLDER_SK = "FOLDER#"
TEMPLATE_SK = "TEMPLATE#"


def diagram_pk(diagram_id: str) -> str:
    return f"DIAGRAM#{diagram_id}"


def diagram_id_of(pk: str) -> str:
    return pk.removeprefix("DIAGRAM#")


def live_index(owner_id: str) -> str:
    """gsi1/gsi2/gsi3 partition of the owner's live heads."""
    return f"DLIVE#{owner_id}"


def trash_index(owner_id: str) -> str:
    """gsi1 partition of the owner's trashed heads."""
    return f"DTRASH#{owner_id}"


def shares_index(diagram_id: str) -> str:
    """gsi1 partition of a diagram's share links."""
    return f"DSHARES#{diagram_id}"


def shared_index(user_id: str) -> str:
    """gsi1 partition of the collaborator seats a user holds."""
    return f"SHARED#{user_id}"


def folders_pk(owner_id: str) -> str:
    return f"FOLDERS#{owner_id}"


def templates_pk(owner_id: str) -> str:
    return f"TEMPLATES#{owner_id}"


class _Indexed(TableModel):
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    # Index objects are per model class (PynamoDB binds each instance to one model), so every
    # concrete model declares the ones it queries.


class DiagramItem(_Indexed):
    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    diagram_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    title = UnicodeAttribute()
    dtype = UnicodeAttribute()
    folder_id = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    starred = BooleanAttribute(default=False)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    last_edited_by = UnicodeAttribute()
    size_bytes = NumberAttribute(default=0)
    content_inline = UnicodeAttribute(null=True)
    content_key = UnicodeAttribute(null=True)
    search_text = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    # The 256x256 PNG in the exports bucket and the version it shows (store/thumbnails.py).
    thumbnail_key = UnicodeAttribute(null=True)
    thumbnail_version = NumberAttribute(null=True)

    @staticmethod
    def key(diagram_id: str) -> tuple[str, str]:
        return diagram_pk(diagram_id), "META"


class VersionItem(TableModel):
    diagram_id = UnicodeAttribute()
    number = NumberAttribute()
    title = UnicodeAttribute()
    dtype = UnicodeAttribute()
    created_at = UnicodeAttribute()
    author = UnicodeAttribute()
    label = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    size_bytes = NumberAttribute(default=0)
    content_inline = UnicodeAttribute(null=True)
    content_key = UnicodeAttribute(null=True)
    restored_from = NumberAttribute(null=True)

    @staticmethod
    def key(diagram_id: str, number: int) -> tuple[str, str]:
        return diagram_pk(diagram_id), f"{VERSION_SK}{number:010d}"


class CollaboratorItem(_Indexed):
    gsi1 = GSI1()
    diagram_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()  # viewer | editor
    added_at = UnicodeAttribute()
    added_by = UnicodeAttribute()

    @staticmethod
    def key(diagram_id: str, user_id: str) -> tuple[str, str]:
        return diagram_pk(diagram_id), f"{COLLAB_SK}{user_id}"


class ShareItem(_Indexed):
    gsi1 = GSI1()
    share_id = UnicodeAttribute()
    diagram_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    permission = UnicodeAttribute()  # view | edit
    password_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    link_expires_at = NumberAttribute(null=True)  # epoch seconds; not the TTL, so expiry answers 410
    revoked = BooleanAttribute(default=False)
    revoked_at = UnicodeAttribute(null=True)
    view_count = NumberAttribute(default=0)
    last_viewed_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(token_hash: str) -> tuple[str, str]:
        return f"SHARE#{token_hash}", "SHARE"


class FolderItem(TableModel):
    folder_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    color = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(owner_id: str, folder_id: str) -> tuple[str, str]:
        return folders_pk(owner_id), f"{FOLDER_SK}{folder_id}"


class TemplateItem(TableModel):
    template_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    dtype = UnicodeAttribute()
    source_diagram_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    size_bytes = NumberAttribute(default=0)
    content_inline = UnicodeAttribute(null=True)
    content_key = UnicodeAttribute(null=True)

    @staticmethod
    def key(owner_id: str, template_id: str) -> tuple[str, str]:
        return templates_pk(owner_id), f"{TEMPLATE_SK}{template_id}"
