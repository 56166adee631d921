"""Account deletion: the user disappears at once; their data goes now or in the background.

1. The password is checked (a stolen access token alone cannot delete an account).
2. The profile and the e-mail claim go in one transaction: from then on every token and key of
   the user gets 401 (the authorizer checks the user exists) and the address can sign up again.
   API key lookups and refresh tokens go right after.
3. Diagrams (versions, collaborators, share links, S3 content with every version), folders,
   templates, seats on other people's diagrams, export jobs and their files, and the user's own
   partition (sessions, key records, audit log) are purged. (The render cache is shared and
   content-addressed, not per user: it expires by lifecycle.) Small accounts are purged within the request (204). Larger
   ones, or a purge that runs out of its time budget, continue in the AccountPurge worker fed by
   an SQS queue (202); each message purges until its budget ends and re-queues the rest, so a
   purge of any size finishes, and a redelivered message just deletes what is still there.
"""

from __future__ import annotations

import json
import time

from .. import queues
from ..config import get_settings
from ..errors import Forbidden, Unauthorized
from ..observability import logger
from ..store import purge, users
from . import audit, passwords, session_state, throttle

SYNC_DIAGRAM_LIMIT = 25  # more than this many diagrams: purge in the background
SYNC_BUDGET_SECONDS = 8.0
BATCH = 25
SAFETY_SECONDS = 10.0  # a worker pass leaves this long to queue its continuation


def delete_account(user_id: str, password: str, origin: audit.Origin) -> bool:
    """Delete the caller's account. True when everything is gone already, False when the rest
    of the purge was queued."""
    user = users.find(user_id)
    if user is None:
        raise Unauthorized("The account no longer exists.")
    ip = origin.source_ip or "unknown"
    throttle.check(user.email, ip)
    if not passwords.verify_password(password, user.password_hash):
        throttle.record_failure(user.email, ip)
        raise Forbidden("The password is incorrect.")
    large = len(purge.owned_diagram_ids(user_id, SYNC_DIAGRAM_LIMIT + 1)) > SYNC_DIAGRAM_LIMIT
    if large:
        enqueue(user_id)  # before the point of no return, so a failed send leaves nothing orphaned
    if not users.delete_identity(user):  # a concurrent DELETE won; it owns the purge
        raise Unauthorized("The account no longer exists.")
    session_state.forget(user_id)
    purge.delete_credentials(user_id)
    logger.info("account deleted", extra={"user_id": user_id, "background": large})
    if large:
        return False
    if purge_account(user_id, deadline=time.monotonic() + SYNC_BUDGET_SECONDS):
        return True
    enqueue(user_id)
    return False


def purge_account(user_id: str, deadline: float) -> bool:
    """Delete what the user owned until `deadline` (monotonic); True once nothing is left."""
    while True:
        ids = purge.owned_diagram_ids(user_id, BATCH)
        if not ids:
            break
        for diagram_id in ids:
            if time.monotonic() >= deadline:
                return False
            purge.delete_diagram(diagram_id)
    if time.monotonic() >= deadline:
        return False
    purge.delete_folders_and_templates(user_id)
    purge.delete_objects(f"templates/{user_id}/")
    purge.delete_collaborations(user_id)
    purge.delete_export_jobs(user_id)
    purge.delete_user_partition(user_id)
    return True


def enqueue(user_id: str) -> None:
    queues.send(get_settings().account_purge_queue_url, json.dumps({"user_id": user_id}))


def purge_message(body: str, *, receive_count: int, remaining_ms: int) -> str:
    """One AccountPurge queue message, {"user_id": ...}: purge until the invocation's time nears
    its end, then queue a continuation ("continued"), so an account of any size is purged; every
    step is idempotent, so a redelivered message only deletes what is still there."""
    user_id = str(json.loads(body)["user_id"])
    deadline = time.monotonic() + max(1.0, remaining_ms / 1000 - SAFETY_SECONDS)
    if purge_account(user_id, deadline):
        logger.info("account purge finished", extra={"user_id": user_id})
        return "finished"
    enqueue(user_id)
    logger.info("account purge continues", extra={"user_id": user_id})
    return "continued"
