"""The audit log: who did what to which object, when and from where.

The one writer of the ``audit_event`` table, which only ever grows: nothing here changes
or deletes an event. Functions take the caller's session and never commit, so an event is
kept exactly when what it records is (a failed login is recorded in a session of its own).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tm.models import AuditAction, AuditEvent, User

ACTOR_MAX = 100
OBJECT_ID_MAX = 200
ADDRESS_MAX = 64


def record_event(session: Session, action: AuditAction, *, user: User | None = None,
                 actor: str | None = None, object_type: str | None = None,
                 object_id: object = None, address: str | None = None,
                 detail: dict[str, Any] | None = None) -> AuditEvent:
    """Add an event; ``actor`` is the login as given, when no user is known (a failed login)."""
    name = user.login if user else actor
    event = AuditEvent(
        action=action, user_id=user.id if user else None,
        actor=name[:ACTOR_MAX] if name else None, object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:OBJECT_ID_MAX],
        address=address[:ADDRESS_MAX] if address else None, detail=detail)
    session.add(event)
    return event


def list_events(session: Session, *, since: dt.datetime | None = None,
                until: dt.datetime | None = None, action: AuditAction | None = None,
                user: User | None = None, limit: int = 100,
                offset: int = 0) -> Sequence[AuditEvent]:
    """Return events, newest first, filtered by time, action and user."""
    query = select(AuditEvent)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if user is not None:
        query = query.where(AuditEvent.user_id == user.id)
    return session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)
                           .offset(offset)).all()
