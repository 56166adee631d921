"""Routes: the caller's API keys (create, list, revoke). Only a signed-in person manages keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ...http import idempotency
from ...http.pagination import Page, page_out
from ...http.params import IdemKey, Paging
from .. import apikeys, audit
from ..schema import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut
from .common import Person, origin

router = APIRouter(tags=["api-keys"])


@router.post("/v1/auth/api-keys", status_code=201, response_model=ApiKeyCreatedOut,
             responses={409: {"description": f"The account already holds {apikeys.MAX_KEYS_PER_USER} API keys, "
                                             "the most allowed (revoke one first; nothing was created), or a "
                                             "request with this Idempotency-Key is still in progress"}})
def create_api_key(body: ApiKeyIn, request: Request, caller: Person,
                   idempotency_key: IdemKey = None) -> dict[str, Any]:
    def create() -> tuple[str, dict[str, Any]]:
        created = apikeys.create(caller.user_id, caller.email, body.name, list(body.scopes))
        audit.record(caller.user_id, "api_key_created", origin(request), detail=created["id"])
        return created["id"], created

    # A replay gets the same key with a new secret: the first one was never stored to show again.
    return idempotency.run_for_id(
        idempotency_key, scope=f"api-keys:{caller.user_id}", payload=body.model_dump(), create=create,
        replay=lambda key_id: apikeys.reissue(caller.user_id, key_id))


@router.get("/v1/auth/api-keys", response_model=Page[ApiKeyOut])
def list_api_keys(caller: Person, page: Paging) -> dict[str, Any]:
    return page_out(*apikeys.list_keys(caller.user_id, page.limit, page.cursor))


@router.delete("/v1/auth/api-keys/{key_id}", status_code=204)
def delete_api_key(key_id: str, request: Request, caller: Person) -> Response:
    apikeys.revoke(caller.user_id, key_id)
    audit.record(caller.user_id, "api_key_revoked", origin(request), detail=key_id)
    return Response(status_code=204)
