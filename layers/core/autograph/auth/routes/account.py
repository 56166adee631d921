"""Routes: the account itself (profile, password change, deletion)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ...http.params import Caller
from .. import accounts, deletion
from ..schema import AccountDeletedOut, AccountDeleteIn, PasswordChangeIn, TokensOut, UserOut
from .common import Person, origin

router = APIRouter(tags=["auth"])


@router.post("/v1/auth/password", response_model=TokensOut,
             responses={403: {"description": "The current password is wrong, or an API key was used."}})
def change_password(body: PasswordChangeIn, request: Request, caller: Person) -> dict[str, Any]:
    """Change the password. Every session ends (refresh and access tokens); the response is a
    fresh session for this client."""
    return accounts.change_password(caller.user_id, body.current_password, body.new_password,
                                    origin(request)).as_dict()


@router.delete("/v1/auth/me", status_code=204,
               responses={202: {"model": AccountDeletedOut,
                                "description": "Deleted; the data purge continues in the background."},
                          403: {"description": "The password is wrong, or an API key was used."}})
def delete_me(body: AccountDeleteIn, request: Request, caller: Person) -> Response:
    """Delete the account and everything it owns: diagrams, versions, share links, folders,
    templates, API keys, sessions, the audit log and stored files."""
    if deletion.delete_account(caller.user_id, body.password, origin(request)):
        return Response(status_code=204)
    return JSONResponse(status_code=202, content={
        "status": "deleting", "detail": "The account is deleted; its data is being purged in the background."})


@router.get("/v1/auth/me", response_model=UserOut)
def me(caller: Caller) -> dict[str, Any]:
    return accounts.public_user(accounts.get_user(caller.user_id))
