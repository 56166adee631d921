"""Wire models of the auth routes (request bodies and responses)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..http.fields import Email, RequestModel, SingleLine

Scope = Literal["diagrams:read", "diagrams:write", "ai", "exports"]


class RegisterIn(RequestModel):
    email: Email
    password: str = Field(min_length=8, max_length=128)
    name: SingleLine | None = Field(default=None, max_length=200)


class LoginIn(RequestModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class RefreshIn(RequestModel):
    refresh_token: str = Field(max_length=512)


class LogoutIn(RequestModel):
    refresh_token: str = Field(max_length=512)
    all: bool = False


class ResetRequestIn(RequestModel):
    email: str = Field(max_length=320)


class ResetConfirmIn(RequestModel):
    token: str = Field(max_length=512)
    new_password: str = Field(min_length=8, max_length=128)


class ApiKeyIn(RequestModel):
    name: SingleLine = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(
        min_length=1, max_length=4,
        description="What the key may do. A key never manages keys, sessions or the account.")


class UserOut(BaseModel):
    id: str
    email: str
    name: str | None
    created_at: str


class TokensOut(BaseModel):
    user: UserOut
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


class ApiKeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: str
    scopes: list[Scope]


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The secret. Shown only in this response.")


class AuditOut(BaseModel):
    event: str
    at: str
    source_ip: str | None
    user_agent: str | None
    detail: str | None = None


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=8, max_length=128)


class AccountDeleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024,
                          description="The current password: an access token alone cannot delete the account.")


class AccountDeletedOut(BaseModel):
    status: Literal["deleting"]
    detail: str
