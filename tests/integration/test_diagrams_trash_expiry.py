"""Trashing cascades the head's TTL to everything the diagram owns (versions, collaborators, share
links) and tags its S3 objects for the bucket's lifecycle rule; restoring undoes both. Proven by
reading the raw items and object tags, over every trash path (single, bulk, recursive folder)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem

ROOT = Path(__file__).resolve().parents[2]
TAG = {"Key": "autograph-trashed", "Value": "true"}


def big_note(n: int) -> str:
    # ~80 KB > the 64 KB inline threshold, distinct per version so each gets its own S3 object.
    return f"# Version {n}\n" + (f"line {n} of a long architecture note\n" * 2200)


def make(api: httpx.Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"title": "Doomed", "type": "note", "content": {"note": big_note(1)}}
    payload.update(body)
    resp = api.post("/v1/diagrams", json=payload, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def children(diagram_id: str) -> dict[str, Any]:
    """Raw expires_at of every item of the diagram (head, partition children, share links)."""
    from autograph.aws import client
    from autograph.config import get_settings
    from autograph.store.diagram_models import ShareItem

    out: dict[str, Any] = {}
    pages = client("dynamodb").get_paginator("query").paginate(
        TableName=get_settings().table_name, ConsistentRead=True,
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"DIAGRAM#{diagram_id}"}})
    for page in pages:
        for raw in page["Items"]:
            ttl = raw.get("expires_at")
            out[raw["sk"]["S"]] = int(ttl["N"]) if ttl else None
    for share in ShareItem.gsi1.query(f"DSHARES#{diagram_id}"):
        out[share.pk] = share.expires_at
    return out


def object_tags(diagram_id: str) -> dict[str, list[dict[str, str]]]:
    from autograph.aws import client
    from autograph.config import get_settings

    s3, bucket = client("s3"), get_settings().diagrams_bucket
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"diagrams/{diagram_id}/").get("Contents") or []
    return {o["Key"]: s3.get_object_tagging(Bucket=bucket, Key=o["Key"])["TagSet"] for o in listed}


def assert_trashed(diagram_id: str, versions: int) -> int:
    items = children(diagram_id)
    head = items.pop("META")
    assert head is not None and 29 * 86400 < head - time.time() <= 30 * 86400
    assert sum(sk.startswith("VERSION#") for sk in items) == versions
    assert items and set(items.values()) == {head}, items  # every child expires with the head
    tags = object_tags(diagram_id)
    assert tags and all(t == [TAG] for t in tags.values()), tags
    return head


def assert_live(diagram_id: str, versions: int) -> None:
    items = children(diagram_id)
    assert sum(sk.startswith("VERSION#") for sk in items) == versions
    assert set(items.values()) == {None}, items
    tags = object_tags(diagram_id)
    assert tags and all(t == [] for t in tags.values()), tags


@pytest.fixture
def owner(register: Any) -> dict[str, Any]:
    return register()


def populate(api: httpx.Client, owner: dict[str, Any], friend: dict[str, Any], versions: int = 4
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    h = owner["headers"]
    d = make(api, h)
    for n in range(2, versions + 1):
        resp = api.patch(f"/v1/diagrams/{d['id']}", json={"content": {"note": big_note(n)}},
                         headers={**h, "If-Match": f'"{n - 1}"'})
        assert resp.status_code == 200, resp.text
    resp = api.post(f"/v1/diagrams/{d['id']}/collaborators", json={"email": friend["email"], "role": "viewer"},
                    headers=h)
    assert resp.status_code == 201, resp.text
    share = api.post(f"/v1/diagrams/{d['id']}/shares", json={"permission": "view"}, headers=h)
    assert share.status_code == 201, share.text
    return d, share.json()


def test_trash_stamps_every_child_and_tags_objects_restore_undoes_it(
        api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h, friend = owner["headers"], register()
    d, share = populate(api, owner, friend)
    url = f"/v1/diagrams/{d['id']}"
    assert_live(d["id"], 4)
    assert len(object_tags(d["id"])) == 4  # every version's content lives in S3

    assert api.delete(url, headers=h).status_code == 204
    items = children(d["id"])
    assert {sk.split("#")[0] for sk in items} == {"META", "VERSION", "COLLAB", "SHARE"}
    assert_trashed(d["id"], 4)
    # While trashed: the link is unusable and the collaborator sees nothing.
    assert_problem(api.get(f"/v1/shared/{share['token']}"), 410)
    assert_problem(api.get(url, headers=friend["headers"]), 404)
    assert api.get("/v1/diagrams", params={"shared_with_me": "true"}, headers=friend["headers"]).json()["items"] == []

    assert api.post(f"{url}/restore", headers=h).status_code == 200
    assert_live(d["id"], 4)
    # Everything works again: head, complete history with content, link, collaborator.
    got = api.get(url, headers=h)
    assert got.status_code == 200 and got.json()["content"]["note"] == big_note(4)
    listed = api.get(f"{url}/versions", headers=h).json()["items"]
    assert [v["number"] for v in listed] == [4, 3, 2, 1]
    for n in (1, 2, 3, 4):
        assert api.get(f"{url}/versions/{n}", headers=h).json()["content"]["note"] == big_note(n)
    viewed = api.get(f"/v1/shared/{share['token']}")
    assert viewed.status_code == 200 and viewed.json()["content"]["note"] == big_note(4)
    assert api.get(url, headers=friend["headers"]).status_code == 200
    listed_shares = api.get(f"{url}/shares", headers=h).json()["items"]
    assert [s["view_count"] for s in listed_shares] == [1]


def test_a_second_trash_gets_a_fresh_ttl_everywhere(api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h = owner["headers"]
    d, _ = populate(api, owner, register(), versions=2)
    url = f"/v1/diagrams/{d['id']}"
    api.delete(url, headers=h).raise_for_status()
    first = assert_trashed(d["id"], 2)
    api.post(f"{url}/restore", headers=h).raise_for_status()
    # Back-date nothing, sleep nothing: the second trash simply stamps its own (>= first) TTL on all.
    api.delete(url, headers=h).raise_for_status()
    assert assert_trashed(d["id"], 2) >= first


def test_bulk_and_recursive_folder_trash_use_the_same_cascade(
        api: httpx.Client, owner: dict[str, Any], register: Any) -> None:
    h, friend = owner["headers"], register()
    a, _ = populate(api, owner, friend, versions=2)
    b, _ = populate(api, owner, friend, versions=3)
    resp = api.post("/v1/diagrams/bulk", json={"action": "delete", "ids": [a["id"], b["id"]]}, headers=h)
    assert [r["status"] for r in resp.json()["results"]] == ["ok", "ok"]
    assert_trashed(a["id"], 2)
    assert_trashed(b["id"], 3)
    resp = api.post("/v1/diagrams/bulk", json={"action": "restore", "ids": [a["id"], b["id"]]}, headers=h)
    assert [r["status"] for r in resp.json()["results"]] == ["ok", "ok"]
    assert_live(a["id"], 2)
    assert_live(b["id"], 3)

    folder = api.post("/v1/folders", json={"name": "Old"}, headers=h).json()
    api.post(f"/v1/diagrams/{a['id']}/move", json={"folder_id": folder["id"]}, headers=h).raise_for_status()
    assert api.delete(f"/v1/folders/{folder['id']}", params={"recursive": "true"}, headers=h).status_code == 204
    assert_trashed(a["id"], 2)
    assert_live(b["id"], 3)
    assert api.post(f"/v1/diagrams/{a['id']}/restore", headers=h).status_code == 200
    assert_live(a["id"], 2)


def test_children_added_to_a_live_diagram_carry_no_ttl(api: httpx.Client, owner: dict[str, Any],
                                                        register: Any) -> None:
    d, _ = populate(api, owner, register(), versions=1)
    items = children(d["id"])
    assert len(items) == 4 and set(items.values()) == {None}  # META, VERSION, COLLAB, SHARE


def test_child_added_while_trash_runs_follows_the_head(api: httpx.Client, owner: dict[str, Any],
                                                        register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the cascade alone would miss: a collaborator written after the trash cascade ran
    (its access check passed while the diagram was live) takes the head's TTL."""
    from autograph.diagrams import collaborators
    from autograph.diagrams.schema import CollaboratorIn
    from autograph.store.diagram_models import DiagramItem

    h, friend = owner["headers"], register()
    d = make(api, h)
    api.delete(f"/v1/diagrams/{d['id']}", headers=h).raise_for_status()
    head = DiagramItem.get(*DiagramItem.key(d["id"]))
    # The access check ran (and passed) just before the trash committed and its cascade ran.
    monkeypatch.setattr(collaborators.access, "require", lambda *a, **k: (head, "owner"))
    collaborators.add(owner["user"]["id"], d["id"], CollaboratorIn(email=friend["email"], role="editor"))
    assert children(d["id"])[f"COLLAB#{friend['user']['id']}"] == head.expires_at


# ------------------------------------------------------------------ the bucket's lifecycle rule
def test_template_and_local_bucket_expire_tagged_objects(api: httpx.Client) -> None:
    from autograph.aws import client
    from autograph.config import get_settings

    from infra.local.template import load

    template = load(ROOT / "template.yaml")
    rules = template["Resources"]["DiagramsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    by_id = {r["Id"]: r for r in rules}
    assert "expire-old-versions" in by_id  # the existing rule stays
    trashed = by_id["expire-trashed-diagrams"]
    assert trashed["TagFilters"] == [TAG] and trashed["ExpirationInDays"] == 31
    assert trashed["Status"] == "Enabled" and "Prefix" not in trashed

    live = client("s3").get_bucket_lifecycle_configuration(Bucket=get_settings().diagrams_bucket)["Rules"]
    local = {r["ID"]: r for r in live}
    assert local["expire-trashed-diagrams"]["Filter"] == {"Tag": TAG}
    assert local["expire-trashed-diagrams"]["Expiration"] == {"Days": 31}
    assert local["expire-old-versions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}


def test_lifecycle_translation_carries_tag_filters() -> None:
    from infra.local.resources import _lifecycle_rule

    assert _lifecycle_rule({"Id": "p", "Prefix": "jobs/", "ExpirationInDays": 7})["Filter"] == {"Prefix": "jobs/"}
    assert _lifecycle_rule({"Id": "t", "TagFilters": [{"Key": "k", "Value": "v"}]})["Filter"] == {
        "Tag": {"Key": "k", "Value": "v"}}
    assert _lifecycle_rule({"Id": "pt", "Prefix": "x/", "TagFilters": [{"Key": "k", "Value": "v"}]})["Filter"] == {
        "And": {"Prefix": "x/", "Tags": [{"Key": "k", "Value": "v"}]}}
    two = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert _lifecycle_rule({"Id": "tt", "TagFilters": two})["Filter"] == {"And": {"Tags": two}}
