"""The public base URL that share and password-reset links start with.

`PUBLIC_BASE_URL` wins when set: a custom domain (the `PublicBaseUrl` template parameter), or
locally the address `make local` actually serves, PORT included (the runner sets it). In AWS
without a custom domain it is the HTTP API's own URL, which template.yaml writes to an SSM
parameter: a function's environment cannot reference the API that routes to it (that is a
CloudFormation dependency cycle). The parameter is read once per container, only when a link is
made.
"""

from __future__ import annotations

import threading

from .aws import client
from .config import get_settings

_lock = threading.Lock()
_resolved: dict[str, str] = {}


def public_base_url() -> str:
    settings = get_settings()
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    name = settings.public_base_url_parameter  # required by every model that has PublicLinks
    with _lock:
        if name not in _resolved:
            value = client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
            _resolved[name] = value.rstrip("/")
        return _resolved[name]
