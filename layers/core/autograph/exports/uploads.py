"""`POST /v1/uploads`: a presigned PUT for `inbox/<user_id>/<job_id>/<file>` in the uploads
bucket, and the job that lists what the upload produces (autograph.exports.inbox does the work).

The URL is signed for exactly one key under the caller's own prefix, so nobody can write into
another user's prefix; outputs are read only through the caller's job (404 for anyone else).
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..config import get_settings
from ..errors import ValidationFailed
from ..store import blobs
from ..store import jobs as store
from . import formats, jobs
from .schema import UploadIn

UPLOAD_URL_TTL_SECONDS = 15 * 60
EXTENSIONS = ("mmd", "json", "md")


def create(user_id: str, body: UploadIn) -> dict[str, Any]:
    stem, dot, ext = body.file_name.rpartition(".")
    if not dot or ext.lower() not in EXTENSIONS:
        raise ValidationFailed("file_name must end in .mmd, .json or .md.")
    options = body.options()
    jobs.check_options(options)
    file_name = f"{formats.safe_stem(stem)}.{ext.lower()}"
    moment = clock.now()
    job = store.put_new(store.NewJob(
        job_id=jobs.new_id(), owner_id=user_id, kind="inbox", format=",".join(body.formats), options=options,
        created_at=clock.iso(moment), created_ms=int(moment * 1000), title=stem,
        spec={"formats": list(body.formats), "file_name": file_name}))
    key = f"inbox/{user_id}/{job['id']}/{file_name}"
    url = blobs.upload_url(get_settings().uploads_bucket, key, UPLOAD_URL_TTL_SECONDS)
    return {"job": jobs.public(job), "upload": {"method": "PUT", "url": url, "key": key,
                                                "expires_at": clock.iso(moment + UPLOAD_URL_TTL_SECONDS)}}
