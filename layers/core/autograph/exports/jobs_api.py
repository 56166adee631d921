"""Routes of export jobs: /v1/diagrams/{id}/exports and /v1/exports (protected)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from ..http import idempotency
from ..http.pagination import Page, page_out
from ..http.params import Caller, IdemKey, Paging
from . import batch, jobs, uploads
from .schema import BatchByFolder, BatchByIds, BatchIn, ExportIn, Job, JobStatus, UploadIn, UploadOut

router = APIRouter(tags=["exports"])
DiagramId = Annotated[str, Path(max_length=64)]
JobId = Annotated[str, Path(max_length=64)]
EXCLUDE_NONE = {"response_model_exclude_none": True}


def _with_id(job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return job["id"], job


@router.post("/v1/diagrams/{diagram_id}/exports", status_code=202, response_model=Job, **EXCLUDE_NONE,
             responses={404: {"description": "No such diagram, or you cannot read it"},
                        422: {"description": "A bad option; nothing was stored or queued"}})
def create_export(diagram_id: DiagramId, body: ExportIn, response: Response, caller: Caller,
                  idempotency_key: IdemKey = None) -> dict[str, Any]:
    """Queue an export of a diagram (owner, editor or viewer). Poll `Location`, or
    `GET /v1/exports/{id}?wait=20`, for the file's presigned URL."""
    # The record keeps only the job id; a replay re-reads the job as it is now.
    out = idempotency.run_for_id(idempotency_key, scope=f"exports:{caller.user_id}:{diagram_id}",
                                 payload=body.model_dump(mode="json"),
                                 create=lambda: _with_id(jobs.create(caller.user_id, diagram_id, body)),
                                 replay=lambda job_id: jobs.public(jobs.owned(caller.user_id, job_id)))
    response.headers["Location"] = f"/v1/exports/{out['id']}"
    return out


@router.post("/v1/exports/batch", status_code=202, response_model=Job, **EXCLUDE_NONE,
             responses={422: {"description": "A bad option or input; nothing was stored or queued"}})
def create_batch(body: BatchIn, response: Response, caller: Caller,
                 idempotency_key: IdemKey = None) -> dict[str, Any]:
    """One job whose file is a ZIP: one file per diagram plus manifest.json (with each failure)."""
    def make() -> dict[str, Any]:
        ids = body.diagram_ids if isinstance(body, BatchByIds) else None
        folder = body.folder_id if isinstance(body, BatchByFolder) else None
        return batch.create(caller.user_id, ids, folder, body.format, body.options())

    out = idempotency.run_for_id(idempotency_key, scope=f"exports-batch:{caller.user_id}",
                                 payload=body.model_dump(mode="json"), create=lambda: _with_id(make()),
                                 replay=lambda job_id: jobs.public(jobs.owned(caller.user_id, job_id)))
    response.headers["Location"] = f"/v1/exports/{out['id']}"
    return out


@router.get("/v1/diagrams/{diagram_id}/exports", response_model=Page[Job], **EXCLUDE_NONE)
def list_diagram_exports(diagram_id: DiagramId, caller: Caller, page: Paging) -> dict[str, Any]:
    """Your export jobs of this diagram, newest first."""
    return page_out(*jobs.list_for_diagram(caller.user_id, diagram_id, page.limit, page.cursor))


@router.get("/v1/exports", response_model=Page[Job], **EXCLUDE_NONE)
def list_exports(caller: Caller, page: Paging, status: Annotated[JobStatus | None, Query()] = None) -> dict[str, Any]:
    """Your export jobs, newest first; `status` filters."""
    return page_out(*jobs.list_mine(caller.user_id, status, page.limit, page.cursor))


@router.get("/v1/exports/{job_id}", response_model=Job, **EXCLUDE_NONE)
def get_export(job_id: JobId, caller: Caller,
               wait: Annotated[int, Query(ge=0, le=jobs.MAX_WAIT_SECONDS,
                                          description="Hold up to N seconds until the job finishes")] = 0
               ) -> dict[str, Any]:
    """The job; once it succeeded, `url` is a presigned GET (15 minutes) of the file."""
    return jobs.get(caller.user_id, job_id, wait)


@router.delete("/v1/exports/{job_id}", status_code=204)
def delete_export(job_id: JobId, caller: Caller) -> Response:
    """Delete the job and its file."""
    jobs.delete(caller.user_id, job_id)
    return Response(status_code=204)


@router.post("/v1/uploads", status_code=201, response_model=UploadOut, **EXCLUDE_NONE)
def create_upload(body: UploadIn, caller: Caller) -> dict[str, Any]:
    """A presigned PUT URL (15 minutes) for a .mmd, .json or .md file under your own inbox prefix.
    The returned job turns succeeded with `files` (one per output) once the worker converted it."""
    return uploads.create(caller.user_id, body)
