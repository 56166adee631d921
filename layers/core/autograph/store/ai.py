"""AI items on the application table: the one module that knows their keys and conditions.

- Usage: pk AIUSE#<user>, sk <day>#<provider>#<model>; atomic ADD of tokens and cost (micro-USD).
  A daily total per user, pk AIBUD#<user> / sk <day>, is what the token budget checks.
- Breaker: pk AIBRK#<provider> / sk STATE: consecutive failures and open-until, shared by all
  instances; the half-open probe is claimed by a conditional write so only one caller probes.
- History: pk AIHIST#<user> / sk <iso>#<id>, newest first, expires after 90 days.
- Jobs: pk AIJOB#<id> / sk JOB, queued -> running (conditional claim) -> succeeded | failed.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from .base import TableModel, fits_id, get_or_none, query_page, update_if

HISTORY_TTL = 90 * 24 * 3600
USAGE_TTL = 400 * 24 * 3600
JOB_TTL = 7 * 24 * 3600



class AiUsageItem(TableModel):
    input_tokens = NumberAttribute(default=0)
    output_tokens = NumberAttribute(default=0)
    cost_micros = NumberAttribute(default=0)
    calls = NumberAttribute(default=0)


class AiBreakerItem(TableModel):
    failures = NumberAttribute(default=0)
    open_until = NumberAttribute(null=True)


class AiHistoryItem(TableModel):
    gen_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    kind = UnicodeAttribute()
    prompt_sha256 = UnicodeAttribute()
    prompt_start = UnicodeAttribute()
    diagram_type = UnicodeAttribute(null=True)
    provider = UnicodeAttribute()
    model = UnicodeAttribute()
    outcome = UnicodeAttribute()
    diagram_id = UnicodeAttribute(null=True)


class AiJobItem(TableModel):
    job_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    request_json = UnicodeAttribute()
    result_json = UnicodeAttribute(null=True)
    error_json = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    attempt = NumberAttribute(default=0)
    lease_until = NumberAttribute(null=True)


# ------------------------------------------------------------------ usage
def add_usage(user_id: str, day: str, provider: str, model: str, input_tokens: int, output_tokens: int,
              cost_micros: int, expires_at: int) -> None:
    for pk, sk in ((f"AIUSE#{user_id}", f"{day}#{provider}#{model}"), (f"AIBUD#{user_id}", day)):
        AiUsageItem(pk, sk).update(actions=[
            AiUsageItem.input_tokens.add(input_tokens), AiUsageItem.output_tokens.add(output_tokens),
            AiUsageItem.cost_micros.add(cost_micros), AiUsageItem.calls.add(1),
            AiUsageItem.expires_at.set(expires_at)])


def tokens_on(user_id: str, day: str) -> int:
    item = get_or_none(AiUsageItem, f"AIBUD#{user_id}", day)
    if item is None:
        return 0
    return int(item.input_tokens or 0) + int(item.output_tokens or 0)


def usage_between(user_id: str, first_day: str, last_day: str) -> list[dict[str, Any]]:
    rows = []
    for item in AiUsageItem.query(f"AIUSE#{user_id}", AiUsageItem.sk.between(first_day, last_day + "#\uffff")):
        day, provider, model = item.sk.split("#", 2)
        rows.append({"day": day, "provider": provider, "model": model, "calls": int(item.calls or 0),
                     "input_tokens": int(item.input_tokens or 0), "output_tokens": int(item.output_tokens or 0),
                     "estimated_cost_usd": round(int(item.cost_micros or 0) / 1_000_000, 6)})
    return rows


# ------------------------------------------------------------------ breaker
class DynamoBreakerStore:
    """autograph.ai.breaker.BreakerStore on the application table."""

    @staticmethod
    def _key(provider: str) -> tuple[str, str]:
        return f"AIBRK#{provider}", "STATE"

    def read(self, provider: str) -> dict[str, Any]:
        item = get_or_none(AiBreakerItem, *self._key(provider), consistent_read=True)
        if item is None:
            return {"failures": 0, "open_until": None}
        return {"failures": int(item.failures or 0),
                "open_until": float(item.open_until) if item.open_until is not None else None}

    def failure(self, provider: str, now: float, threshold: int, cooldown: int) -> dict[str, Any]:
        item = AiBreakerItem(*self._key(provider))
        item.update(actions=[AiBreakerItem.failures.add(1)])
        if int(item.failures) >= threshold:
            item.update(actions=[AiBreakerItem.open_until.set(now + cooldown)])
        return {"failures": int(item.failures), "open_until": item.open_until}

    def success(self, provider: str) -> None:
        AiBreakerItem(*self._key(provider)).update(actions=[AiBreakerItem.failures.set(0),
                                                            AiBreakerItem.open_until.remove()])

    def claim_probe(self, provider: str, now: float, cooldown: int) -> bool:
        return update_if(AiBreakerItem(*self._key(provider)), [AiBreakerItem.open_until.set(now + cooldown)],
                         AiBreakerItem.open_until <= now)


# ------------------------------------------------------------------ history
def add_history(user_id: str, entry: dict[str, Any], expires_at: int) -> None:
    AiHistoryItem(f"AIHIST#{user_id}", f"{entry['created_at']}#{entry['id']}", gen_id=entry["id"],
                  created_at=entry["created_at"], kind=entry["kind"], prompt_sha256=entry["prompt_sha256"],
                  prompt_start=entry["prompt_start"], diagram_type=entry.get("diagram_type"),
                  provider=entry["provider"], model=entry["model"], outcome=entry["outcome"],
                  diagram_id=entry.get("diagram_id"), expires_at=expires_at).save()


def history_page(user_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    items, last = query_page(AiHistoryItem.query(f"AIHIST#{user_id}", scan_index_forward=False, limit=limit,
                                                 last_evaluated_key=cursor))
    return [{"id": i.gen_id, "created_at": i.created_at, "kind": i.kind, "prompt_sha256": i.prompt_sha256,
             "prompt_start": i.prompt_start, "diagram_type": i.diagram_type, "provider": i.provider,
             "model": i.model, "outcome": i.outcome, "diagram_id": i.diagram_id} for i in items], last


# ------------------------------------------------------------------ jobs
def _job(item: AiJobItem) -> dict[str, Any]:
    return {"id": item.job_id, "owner_id": item.owner_id, "kind": item.kind, "status": item.status,
            "request": json.loads(item.request_json), "created_at": item.created_at,
            "finished_at": item.finished_at, "attempt": int(item.attempt or 0),
            "result": json.loads(item.result_json) if item.result_json else None,
            "error": json.loads(item.error_json) if item.error_json else None,
            "lease_until": int(item.lease_until) if item.lease_until is not None else None}


def put_job(job_id: str, owner_id: str, kind: str, request: dict[str, Any], created_at: str) -> dict[str, Any]:
    item = AiJobItem(f"AIJOB#{job_id}", "JOB", job_id=job_id, owner_id=owner_id, kind=kind, status="queued",
                     request_json=json.dumps(request, sort_keys=True), created_at=created_at)
    item.save(condition=AiJobItem.pk.does_not_exist())
    return _job(item)


def get_job(job_id: str) -> dict[str, Any] | None:
    if not fits_id(job_id):
        return None
    item = get_or_none(AiJobItem, f"AIJOB#{job_id}", "JOB", consistent_read=True)
    return None if item is None else _job(item)


def claim_job(job_id: str, now_ms: int, lease_until: int) -> dict[str, Any] | None:
    """queued -> running, or take over a running job whose lease ran out; None when not claimable."""
    item = AiJobItem(f"AIJOB#{job_id}", "JOB")
    cond = AiJobItem.pk.exists() & ((AiJobItem.status == "queued") |
                                     ((AiJobItem.status == "running") & (AiJobItem.lease_until < now_ms)))
    claimed = update_if(item, [AiJobItem.status.set("running"), AiJobItem.attempt.add(1),
                               AiJobItem.lease_until.set(lease_until)], cond)
    return _job(item) if claimed else None


def finish_job(job_id: str, attempt: int | None, status: str, finished_at: str, expires_at: int,
               result: dict[str, Any] | None = None, error: dict[str, Any] | None = None) -> bool:
    """running -> succeeded|failed by the claim that holds `attempt` (None: any unfinished job,
    for a message that died). False: lost the race."""
    cond = (AiJobItem.status.is_in("queued", "running") if attempt is None
            else (AiJobItem.status == "running") & (AiJobItem.attempt == attempt))
    actions = [AiJobItem.status.set(status), AiJobItem.finished_at.set(finished_at),
               AiJobItem.expires_at.set(expires_at), AiJobItem.lease_until.remove()]
    if result is not None:
        actions.append(AiJobItem.result_json.set(json.dumps(result, sort_keys=True)))
    if error is not None:
        actions.append(AiJobItem.error_json.set(json.dumps(error, sort_keys=True)))
    return update_if(AiJobItem(f"AIJOB#{job_id}", "JOB"), actions, AiJobItem.pk.exists() & cond)


def release_job(job_id: str, attempt: int) -> None:
    # A lost condition means another claim took over or the job finished: nothing to release.
    update_if(AiJobItem(f"AIJOB#{job_id}", "JOB"), [AiJobItem.status.set("queued"), AiJobItem.lease_until.remove()],
              (AiJobItem.status == "running") & (AiJobItem.attempt == attempt))
