"""What the web records in the audit log: the event, with who asked and from where."""
from __future__ import annotations

from typing import Any

from flask import request

from tm.accounts import record_event
from tm.accounts.audit import ADDRESS_MAX
from tm.models import AuditAction
from web.access import current_actor
from web.db import get_session


def client_address() -> str:
    """The address the request came from (the client's, behind a declared proxy)."""
    return (request.remote_addr or "unknown")[:ADDRESS_MAX]


def record_audit(action: AuditAction, object_type: str | None = None,
                 object_id: object = None, detail: dict[str, Any] | None = None) -> None:
    """Add an event for this request to its session; it is kept when the request commits."""
    actor = current_actor()
    record_event(get_session(), action, user=actor.user if actor else None,
                 object_type=object_type, object_id=object_id, address=client_address(),
                 detail={**(detail or {}), "by": "token"} if actor and actor.by_token
                 else detail)
