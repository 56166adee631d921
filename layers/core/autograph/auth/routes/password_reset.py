"""Routes: password reset by e-mailed single-use token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from .. import accounts
from ..schema import ResetConfirmIn, ResetRequestIn
from .common import origin

router = APIRouter(tags=["auth"])


@router.post("/v1/auth/password-reset/request", status_code=202)
def password_reset_request(body: ResetRequestIn, request: Request) -> dict[str, str]:
    accounts.request_password_reset(body.email, origin(request))
    return {"status": "accepted", "detail": "If the account exists, a reset e-mail is on its way."}


@router.post("/v1/auth/password-reset/confirm", status_code=204,
             responses={400: {"description": "The reset token is invalid, expired or already used"}})
def password_reset_confirm(body: ResetConfirmIn, request: Request) -> Response:
    accounts.confirm_password_reset(body.token, body.new_password, origin(request))
    return Response(status_code=204)
