"""Auth Lambda: accounts, tokens, API keys, JWKS and the audit log (routes under /v1/auth)."""

from __future__ import annotations

from typing import Annotated, Any

from autograph.auth import account_api, accounts, apikeys, audit
from autograph.auth.account_api import Person
from autograph.auth.keys import load_keys, public_jwks
from autograph.auth.schema import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    AuditOut,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    ResetConfirmIn,
    ResetRequestIn,
    TokensOut,
    UserOut,
)
from autograph.http import idempotency
from autograph.http.app import create_app, lambda_handler
from autograph.http.pagination import Page, PageParams, encode_cursor, page_params
from autograph.http.params import Caller, IdemKey
from autograph.http.principal import source_ip, user_agent
from fastapi import Depends, Request, Response

app = create_app("AutoGraph Auth", max_body_bytes=16 * 1024)
app.include_router(account_api.router)


def _origin(request: Request) -> audit.Origin:
    return audit.Origin(source_ip=source_ip(request), user_agent=user_agent(request))


@app.post("/v1/auth/register", status_code=201, response_model=TokensOut, tags=["auth"])
def register(body: RegisterIn, request: Request, idempotency_key: IdemKey = None) -> dict[str, Any]:
    # The idempotency record keeps only the new user's id: tokens are secrets we store hashed.
    # A replay (same key, same body, so the caller knows the password) starts a fresh session.
    ref = idempotency.run(
        idempotency_key, scope="register", payload=body.model_dump(),
        produce=lambda: {"user_id": accounts.create_account(body.email, body.password, body.name,
                                                            _origin(request)).user_id},
        lambda_context=request.scope.get("aws.context"),
    )
    return accounts.tokens_for(accounts.get_user(ref["user_id"])).as_dict()


@app.post("/v1/auth/login", response_model=TokensOut, tags=["auth"],
          responses={401: {"description": "Wrong e-mail or password"}})
def login(body: LoginIn, request: Request) -> dict[str, Any]:
    return accounts.login(body.email, body.password, _origin(request)).as_dict()


@app.post("/v1/auth/refresh", response_model=TokensOut, tags=["auth"],
          responses={401: {"description": "The refresh token is not valid, expired or revoked"}})
def refresh(body: RefreshIn, request: Request) -> dict[str, Any]:
    return accounts.refresh(body.refresh_token, _origin(request)).as_dict()


@app.post("/v1/auth/logout", status_code=204, tags=["auth"])
def logout(body: LogoutIn, request: Request, caller: Person) -> Response:
    accounts.logout(caller.user_id, body.refresh_token, body.all, _origin(request))
    return Response(status_code=204)


@app.get("/v1/auth/me", response_model=UserOut, tags=["auth"])
def me(caller: Caller) -> dict[str, Any]:
    return accounts.public_user(accounts.get_user(caller.user_id))


@app.post("/v1/auth/password-reset/request", status_code=202, tags=["auth"])
def password_reset_request(body: ResetRequestIn, request: Request) -> dict[str, str]:
    accounts.request_password_reset(body.email, _origin(request))
    return {"status": "accepted", "detail": "If the account exists, a reset e-mail is on its way."}


@app.post("/v1/auth/password-reset/confirm", status_code=204, tags=["auth"],
          responses={400: {"description": "The reset token is invalid, expired or already used"}})
def password_reset_confirm(body: ResetConfirmIn, request: Request) -> Response:
    accounts.confirm_password_reset(body.token, body.new_password, _origin(request))
    return Response(status_code=204)


@app.post("/v1/auth/api-keys", status_code=201, response_model=ApiKeyCreatedOut, tags=["api-keys"])
def create_api_key(body: ApiKeyIn, request: Request, caller: Person,
                   idempotency_key: IdemKey = None) -> dict[str, Any]:
    created: dict[str, Any] = {}

    def produce() -> dict[str, Any]:
        created.update(apikeys.create(caller.user_id, caller.email, body.name, list(body.scopes)))
        audit.record(caller.user_id, "api_key_created", _origin(request), detail=created["id"])
        return {"id": created["id"]}  # never the secret: idempotency records are not for secrets

    ref = idempotency.run(idempotency_key, scope=f"api-keys:{caller.user_id}", payload=body.model_dump(),
                          produce=produce, lambda_context=request.scope.get("aws.context"))
    # A replay gets the same key with a new secret: the first one was never stored to show again.
    return created or apikeys.reissue(caller.user_id, ref["id"])


@app.get("/v1/auth/api-keys", response_model=Page[ApiKeyOut], tags=["api-keys"])
def list_api_keys(caller: Person, page: Annotated[PageParams, Depends(page_params)]) -> dict[str, Any]:
    items, last = apikeys.list_keys(caller.user_id, page.limit, page.cursor)
    return {"items": items, "next_cursor": encode_cursor(last)}


@app.delete("/v1/auth/api-keys/{key_id}", status_code=204, tags=["api-keys"])
def delete_api_key(key_id: str, request: Request, caller: Person) -> Response:
    apikeys.revoke(caller.user_id, key_id)
    audit.record(caller.user_id, "api_key_revoked", _origin(request), detail=key_id)
    return Response(status_code=204)


@app.get("/v1/auth/.well-known/jwks.json", tags=["auth"])
def jwks(response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return public_jwks(load_keys(create=True))


@app.get("/v1/auth/audit", response_model=Page[AuditOut], tags=["auth"])
def audit_log(caller: Person, page: Annotated[PageParams, Depends(page_params)]) -> dict[str, Any]:
    items, last = audit.page(caller.user_id, page.limit, page.cursor)
    return {"items": items, "next_cursor": encode_cursor(last)}


handler = lambda_handler(app, "auth")
