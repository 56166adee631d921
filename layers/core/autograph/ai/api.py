"""Routes of the AI function: /v1/ai/... and /v1/diagrams/{id}/ai (protected)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from ..diagrams import access
from ..http import idempotency
from ..http.pagination import Page, page_out
from ..http.params import Caller, IdemKey, IfMatch, Paging
from ..store import ai as store
from . import jobs, service
from .schema import AiJob, GenerateIn, GenerateOut, HistoryEntry, ProvidersOut, RefineIn, RefineOut, UsageOut

router = APIRouter(tags=["ai"])
Async = Annotated[bool, Query(alias="async", description="Queue the request as a job (202) instead of waiting")]
LIMITS = {429: {"description": "20 generations a minute, or the daily token budget, used up (Retry-After)"},
          422: {"description": "Bad input; nothing was generated, stored or queued"}}
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (UTC)")]


def _queued(response: Response, job: dict[str, Any]) -> dict[str, Any]:
    response.status_code = 202
    response.headers["Location"] = f"/v1/ai/jobs/{job['id']}"
    return job


@router.post("/v1/ai/generate", response_model=GenerateOut | AiJob, response_model_exclude_none=True,
             responses={202: {"model": AiJob, "description": "Queued (?async=true)"}, **LIMITS})
def generate(body: GenerateIn, response: Response, caller: Caller, run_async: Async = False,
             idempotency_key: IdemKey = None) -> dict[str, Any]:
    """Plain words to a valid Mermaid diagram through the provider chain; `save` stores it."""
    def produce() -> dict[str, Any]:
        if run_async:
            service.check_limits(caller.user_id)
            return jobs.create(caller.user_id, "generate", body.model_dump(mode="json"))
        return service.generate(caller.user_id, body)

    out = idempotency.run(idempotency_key, scope=f"ai:{caller.user_id}:{'async' if run_async else 'sync'}",
                          payload=body.model_dump(mode="json"), produce=produce)
    return _queued(response, out) if run_async else out


@router.post("/v1/diagrams/{diagram_id}/ai", response_model=RefineOut | AiJob, response_model_exclude_none=True,
             responses={202: {"model": AiJob, "description": "Queued (?async=true)"},
                        404: {"description": "No such diagram, or you cannot edit it"},
                        412: {"description": "If-Match does not match the current version"}, **LIMITS})
def refine(diagram_id: Annotated[str, Path(max_length=64)], body: RefineIn, response: Response, caller: Caller,
           run_async: Async = False,
           if_match: IfMatch = None) -> dict[str, Any]:
    """Change the diagram as the instruction asks; saved as a new version (comment = instruction)."""
    if run_async:
        access.require(diagram_id, caller.user_id, "editor")  # 404 now, not in the job
        service.check_limits(caller.user_id)
        return _queued(response, jobs.create(caller.user_id, "refine", {
            "diagram_id": diagram_id, "instruction": body.instruction, "if_match": if_match}))
    out = service.refine(caller.user_id, diagram_id, body.instruction, if_match)
    response.headers["ETag"] = f'"{out["diagram"]["version"]}"'
    return out


@router.get("/v1/ai/jobs/{job_id}", response_model=AiJob, response_model_exclude_none=True)
def get_job(job_id: Annotated[str, Path(max_length=64)], caller: Caller,
            wait: Annotated[int, Query(ge=0, le=20, description="Hold up to N seconds until it finishes")] = 0
            ) -> dict[str, Any]:
    return jobs.get(caller.user_id, job_id, wait)


@router.get("/v1/ai/providers", response_model=ProvidersOut)
def list_providers(caller: Caller) -> dict[str, Any]:
    """The configured chain, each provider's models and circuit-breaker state."""
    return service.provider_list()


@router.get("/v1/ai/usage", response_model=UsageOut, response_model_by_alias=True)
def get_usage(caller: Caller, from_: Annotated[Day, Query(alias="from")] = None, to: Day = None) -> dict[str, Any]:
    """Your tokens and estimated cost per provider, model and day (default: the last 30 days)."""
    return service.usage(caller.user_id, from_, to)


@router.get("/v1/ai/history", response_model=Page[HistoryEntry])
def history(caller: Caller, page: Paging) -> dict[str, Any]:
    """Your generations and refinements, newest first."""
    return page_out(*store.history_page(caller.user_id, page.limit, page.cursor))
