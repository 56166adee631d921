"""Outgoing e-mail through SES (moto's SES locally, where tests read the sent messages)."""

from __future__ import annotations

from ..aws import client
from ..config import get_settings


def send(to: str, subject: str, body: str) -> str:
    settings = get_settings()
    resp = client("ses").send_email(
        Source=settings.mail_sender,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}},
    )
    return resp["MessageId"]
