"""Matching's writes: match runs (runs.py) and mentee requests (requests.py). Callers use
`from matching import services` and the names below, wherever each one lives."""

from __future__ import annotations

from matching.services.requests import (
    KIND_REQUEST_ANSWERED,
    KIND_REQUEST_RECEIVED,
    mentor_request_create,
    mentor_request_respond,
    mentor_request_withdraw,
    mentor_requests_expire,
    requests_open_to,
)
from matching.services.runs import (
    JOB_MATCH_RUN,
    KIND_MATCH_PUBLISHED,
    latest_run,
    match_run_create,
    match_run_publish,
    match_run_start,
    pair_by_hand,
    proposal_lock,
    proposal_reject,
)

__all__ = [
    "JOB_MATCH_RUN",
    "KIND_MATCH_PUBLISHED",
    "KIND_REQUEST_ANSWERED",
    "KIND_REQUEST_RECEIVED",
    "latest_run",
    "match_run_create",
    "match_run_publish",
    "match_run_start",
    "mentor_request_create",
    "mentor_request_respond",
    "mentor_request_withdraw",
    "mentor_requests_expire",
    "pair_by_hand",
    "proposal_lock",
    "proposal_reject",
    "requests_open_to",
]
