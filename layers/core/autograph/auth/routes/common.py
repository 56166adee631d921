"""What the auth routers share: the signed-in person (no API keys) and the request's origin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ...errors import Forbidden
from ...http.principal import Principal, current_principal, source_ip, user_agent
from ..audit import Origin


def person(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    # The authorizer already refuses API keys on these routes (autograph.auth.scopes); checking
    # again here means a route never relies on one guard.
    if principal.auth_type != "jwt":
        raise Forbidden("API keys cannot manage keys, sessions or the account; sign in instead.")
    return principal


Person = Annotated[Principal, Depends(person)]


def origin(request: Request) -> Origin:
    return Origin(source_ip=source_ip(request), user_agent=user_agent(request))
