"""The Diagrams function's HTTP routes, one APIRouter per sub-resource, in routing order."""

from __future__ import annotations

from . import collaborators, core, folders, shares, templates, versions

routers = [core.router, versions.router, shares.router, collaborators.router, folders.router, templates.router]
