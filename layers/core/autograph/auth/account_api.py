"""Routes that change the account itself: password change and account deletion.

Only a signed-in person (an access token) may call them; the authorizer already refuses API
keys here (autograph.auth.scopes), and `person` checks again so a route never relies on one guard.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ..errors import Forbidden
from ..http.principal import Principal, current_principal, source_ip, user_agent
from . import accounts, audit, deletion
from .schema import AccountDeletedOut, AccountDeleteIn, PasswordChangeIn, TokensOut

router = APIRouter(tags=["auth"])


def person(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if principal.auth_type != "jwt":
        raise Forbidden("API keys cannot manage keys, sessions or the account; sign in instead.")
    return principal


Person = Annotated[Principal, Depends(person)]


def origin(request: Request) -> audit.Origin:
    return audit.Origin(source_ip=source_ip(request), user_agent=user_agent(request))


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
