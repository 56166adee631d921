"""Routes: sign-up, sign-in, token refresh, sign-out, and the JWKS that verifies access tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ...http import idempotency
from ...http.params import IdemKey
from .. import accounts
from ..keys import load_keys, public_jwks
from ..schema import LoginIn, LogoutIn, RefreshIn, RegisterIn, TokensOut
from .common import Person, origin

router = APIRouter(tags=["auth"])


@router.post("/v1/auth/register", status_code=201, response_model=TokensOut)
def register(body: RegisterIn, request: Request, idempotency_key: IdemKey = None) -> dict[str, Any]:
    def create() -> tuple[str, dict[str, Any]]:
        user = accounts.create_account(body.email, body.password, body.name, origin(request))
        return user.user_id, accounts.tokens_for(user).as_dict()

    # Tokens are secrets we never store: a replay (same key and body, so the caller knows the
    # password) gets a fresh session of the account the first request created.
    return idempotency.run_for_id(
        idempotency_key, scope="register", payload=body.model_dump(), create=create,
        replay=lambda user_id: accounts.tokens_for(accounts.get_user(user_id)).as_dict())


@router.post("/v1/auth/login", response_model=TokensOut,
             responses={401: {"description": "Wrong e-mail or password"}})
def login(body: LoginIn, request: Request) -> dict[str, Any]:
    return accounts.login(body.email, body.password, origin(request)).as_dict()


@router.post("/v1/auth/refresh", response_model=TokensOut,
             responses={401: {"description": "The refresh token is not valid, expired or revoked"}})
def refresh(body: RefreshIn, request: Request) -> dict[str, Any]:
    return accounts.refresh(body.refresh_token, origin(request)).as_dict()


@router.post("/v1/auth/logout", status_code=204)
def logout(body: LogoutIn, request: Request, caller: Person) -> Response:
    accounts.logout(caller.user_id, body.refresh_token, body.all, origin(request))
    return Response(status_code=204)


@router.get("/v1/auth/.well-known/jwks.json")
def jwks(response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return public_jwks(load_keys(create=True))
