"""Data access for deleting everything one user owns (account deletion).

Each function removes one kind of data and is idempotent, so an interrupted purge simply runs
again. Items are found by Query only (no Scan) on the keys documented in `auth_models` and
`diagram_models`, read with a projection of their keys, and removed with BatchWriteItem.
S3 objects are removed with every version (the diagrams bucket is versioned: a plain delete
would leave the content behind a delete marker for 30 days).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..aws import client
from ..config import get_settings
from . import blobs
from .diagram_models import (
    diagram_id_of,
    diagram_pk,
    folders_pk,
    live_index,
    shared_index,
    shares_index,
    templates_pk,
    trash_index,
)

PAGE = 100


def _ddb() -> Any:
    return client("dynamodb")


def _query(key_condition: str, values: dict[str, Any], index: str | None = None,
           projection: str = "pk, sk", limit: int = PAGE) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "TableName": get_settings().table_name, "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": values, "ProjectionExpression": projection, "Limit": limit,
    }
    if index:
        kwargs["IndexName"] = index
    while True:
        page = _ddb().query(**kwargs)
        yield from page.get("Items") or []
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _delete_keys(keys: list[dict[str, Any]]) -> int:
    table = get_settings().table_name
    for i in range(0, len(keys), 25):
        requests = [{"DeleteRequest": {"Key": {"pk": k["pk"], "sk": k["sk"]}}} for k in keys[i:i + 25]]
        pending: dict[str, Any] = {table: requests}
        for _ in range(8):  # unprocessed items are retried; BatchWriteItem may throttle
            resp = _ddb().batch_write_item(RequestItems=pending)
            pending = resp.get("UnprocessedItems") or {}
            if not pending:
                break
        else:
            raise RuntimeError("DynamoDB kept items unprocessed while purging an account.")
    return len(keys)


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def owned_diagram_ids(owner_id: str, limit: int) -> list[str]:
    """Up to `limit` diagrams the user owns, live or in the trash."""
    out: list[str] = []
    for partition in (live_index(owner_id), trash_index(owner_id)):
        for item in _query("gsi1pk = :p", {":p": _s(partition)}, index="gsi1",
                           projection="pk", limit=min(limit, PAGE)):
            out.append(diagram_id_of(item["pk"]["S"]))
            if len(out) >= limit:
                return out
    return out


def delete_diagram(diagram_id: str) -> int:
    """The head last, so a diagram half-purged is still found again by `owned_diagram_ids`."""
    children = [k for k in _query("pk = :p", {":p": _s(diagram_pk(diagram_id))}) if k["sk"]["S"] != "META"]
    shares = list(_query("gsi1pk = :p", {":p": _s(shares_index(diagram_id))}, index="gsi1"))
    delete_objects(f"diagrams/{diagram_id}/")
    removed = _delete_keys(children + shares)
    return removed + _delete_keys([{"pk": _s(diagram_pk(diagram_id)), "sk": _s("META")}])


def delete_partition(pk: str) -> int:
    """Every item under one partition key (folders, templates, the user's own partition)."""
    return _delete_keys(list(_query("pk = :p", {":p": _s(pk)})))


def delete_folders_and_templates(user_id: str) -> int:
    """The user's folder tree and saved templates (each lives in one partition per user)."""
    return delete_partition(folders_pk(user_id)) + delete_partition(templates_pk(user_id))


def delete_collaborations(user_id: str) -> int:
    """The user's seats on other people's diagrams."""
    return _delete_keys(list(_query("gsi1pk = :p", {":p": _s(shared_index(user_id))}, index="gsi1")))


def refresh_token_keys(user_id: str) -> list[dict[str, Any]]:
    """The refresh-token items the user's families still point at (older ones expire by TTL
    and point at a family that will no longer exist)."""
    keys = []
    for fam in _query("pk = :p AND begins_with(sk, :s)", {":p": _s(f"USER#{user_id}"), ":s": _s("FAMILY#")},
                      projection="current_hash, previous_hash"):
        for attr in ("current_hash", "previous_hash"):
            if attr in fam:
                keys.append({"pk": _s(f"RTOKEN#{fam[attr]['S']}"), "sk": _s("RTOKEN")})
    return keys


def api_key_lookup_keys(user_id: str) -> list[dict[str, Any]]:
    """The authorizer's lookup items of the user's API keys (found through the key records)."""
    return [{"pk": _s(f"APIKEY#{rec['key_hash']['S']}"), "sk": _s("APIKEY")}
            for rec in _query("pk = :p AND begins_with(sk, :s)",
                              {":p": _s(f"USER#{user_id}"), ":s": _s("APIKEY#")}, projection="key_hash")
            if "key_hash" in rec]


def delete_credentials(user_id: str) -> int:
    """API key lookups and live refresh tokens: what lets anyone act as the user."""
    return _delete_keys(api_key_lookup_keys(user_id) + refresh_token_keys(user_id))


def delete_user_partition(user_id: str) -> int:
    """Credentials, then the USER# partition: families, key records, audit log, profile."""
    removed = delete_credentials(user_id)
    return removed + delete_partition(f"USER#{user_id}")


def delete_export_jobs(owner_id: str) -> int:
    """The user's export jobs (gsi1 JOBS#<owner>, see store/jobs.py) and their files."""
    jobs = list(_query("gsi1pk = :p", {":p": _s(f"JOBS#{owner_id}")}, index="gsi1"))
    for job in jobs:
        delete_objects(f"jobs/{job['pk']['S'].removeprefix('JOB#')}/", bucket=get_settings().exports_bucket)
    return _delete_keys(jobs)


def delete_objects(prefix: str, bucket: str | None = None) -> int:
    """Every version and delete marker under a prefix (of the diagrams bucket by default)."""
    return blobs.purge_under(bucket or get_settings().diagrams_bucket, prefix)
