"""store/blobs, the one S3 boundary, against the stand-in's S3 (the template's versioned diagrams
bucket and unversioned exports bucket)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest


@pytest.fixture
def prefix(stack: Any) -> str:
    return f"blob-tests/{uuid.uuid4().hex}/"


def _settings() -> Any:
    from autograph.config import get_settings

    return get_settings()


def test_put_get_copy_delete_and_a_missing_object_is_none(prefix: str) -> None:
    from autograph.store import blobs

    bucket = _settings().exports_bucket
    blobs.put(bucket, prefix + "a.svg", b"<svg/>", "image/svg+xml", {"Render-Engine": "merman"})
    got = blobs.get(bucket, prefix + "a.svg")
    assert got == blobs.Blob(b"<svg/>", {"render-engine": "merman"}, "image/svg+xml")
    blobs.copy(bucket, prefix + "a.svg", prefix + "b.svg", "image/svg+xml")
    assert blobs.get(bucket, prefix + "b.svg").data == b"<svg/>"  # type: ignore[union-attr]
    assert blobs.count_under(bucket, prefix) == 2
    blobs.delete(bucket, prefix + "a.svg")
    assert blobs.get(bucket, prefix + "a.svg") is None
    assert blobs.get(bucket, prefix + "never-written") is None


def test_a_body_over_the_limit_is_refused_unread(prefix: str) -> None:
    from autograph.store import blobs

    bucket = _settings().exports_bucket
    blobs.put(bucket, prefix + "big.mmd", b"x" * 2048, "text/plain")
    with pytest.raises(blobs.BlobTooLarge) as err:
        blobs.get(bucket, prefix + "big.mmd", max_bytes=1024)
    assert err.value.size == 2048
    assert blobs.get(bucket, prefix + "big.mmd", max_bytes=2048).data == b"x" * 2048  # type: ignore[union-attr]


def test_purge_removes_every_version_and_delete_marker_delete_under_only_current(prefix: str) -> None:
    from autograph.aws import client
    from autograph.store import blobs

    bucket = _settings().diagrams_bucket  # versioned
    for i in range(3):
        blobs.put(bucket, prefix + "doc.json", f'{{"v": {i}}}'.encode(), "application/json")
    blobs.put(bucket, prefix + "other.json", b"{}", "application/json")
    assert sorted(blobs.keys_under(bucket, prefix)) == [prefix + "doc.json", prefix + "other.json"]
    assert blobs.delete_under(bucket, prefix) == 2
    assert list(blobs.keys_under(bucket, prefix)) == []

    def versions() -> int:
        page = client("s3").list_object_versions(Bucket=bucket, Prefix=prefix)
        return len(page.get("Versions") or []) + len(page.get("DeleteMarkers") or [])

    assert versions() == 6  # 4 versions + 2 delete markers survive a plain delete
    assert blobs.purge_under(bucket, prefix) == 6
    assert versions() == 0


def test_tags_are_set_on_each_object_and_removed(prefix: str) -> None:
    from autograph.aws import client
    from autograph.store import blobs

    bucket = _settings().diagrams_bucket
    keys = [f"{prefix}{i}.json" for i in range(3)]
    for key in keys:
        blobs.put(bucket, key, b"{}", "application/json")
    assert blobs.tag(bucket, keys, {"autograph-trashed": "true"}) == 3
    for key in keys:
        assert client("s3").get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [
            {"Key": "autograph-trashed", "Value": "true"}]
    assert blobs.untag(bucket, keys) == 3
    assert all(client("s3").get_object_tagging(Bucket=bucket, Key=k)["TagSet"] == [] for k in keys)
    blobs.purge_under(bucket, prefix)


def test_presigned_urls_and_streamed_upload(prefix: str, tmp_path: Path) -> None:
    from autograph.store import blobs

    bucket = _settings().uploads_bucket
    put_url = blobs.upload_url(bucket, prefix + "in.mmd", 60)
    assert httpx.put(put_url, content=b"flowchart LR\n  A --> B").status_code == 200
    assert blobs.get(bucket, prefix + "in.mmd").data.startswith(b"flowchart")  # type: ignore[union-attr]
    path = tmp_path / "file.zip"
    path.write_bytes(b"PK" + b"\0" * 100)
    blobs.upload_file(bucket, prefix + "file.zip", str(path), "application/zip")
    url = blobs.download_url(bucket, prefix + "file.zip", 60, disposition='attachment; filename="f.zip"',
                             content_type="application/zip")
    got = httpx.get(url)
    assert got.status_code == 200 and got.content == path.read_bytes()
    assert got.headers["content-disposition"] == 'attachment; filename="f.zip"'
    blobs.delete_under(bucket, prefix)
