"""What each role may do to a translation's status, checked wherever a status changes."""
from __future__ import annotations

from tm.errors import ForbiddenError
from tm.messages import Message
from tm.models import Role, Status

# The least role that may set each status: translators draft and translate, reviewers judge.
STATUS_ROLE = {
    Status.DRAFT: Role.TRANSLATOR,
    Status.TRANSLATED: Role.TRANSLATOR,
    Status.REVIEWED: Role.REVIEWER,
    Status.APPROVED: Role.REVIEWER,
    Status.REJECTED: Role.REVIEWER,
}
# Statuses only a reviewer may take a translation out of: what has been judged stays so.
JUDGED = frozenset({Status.REVIEWED, Status.APPROVED})


def require_role(role: Role, needed: Role, what: Message) -> None:
    """Refuse (ForbiddenError) unless ``role`` includes ``needed``; ``what`` is the action."""
    if not role.includes(needed):
        raise ForbiddenError("role-required", "{what} needs the {needed} role (yours: {role})",
                             what=what, needed=needed.value, role=role.value)


def check_status_change(role: Role, current: Status | None, new: Status | None) -> None:
    """Refuse a change of a translation from ``current`` to ``new`` that ``role`` may not make.

    ``current`` is None for a new translation, ``new`` None when the status stays.
    """
    if new is not None:
        require_role(role, STATUS_ROLE[new], Message(
            "action-set-status", "setting a translation to {status}", status=new.value))
    if current in JUDGED:
        require_role(role, Role.REVIEWER, Message(
            "action-change-judged", "changing a {status} translation", status=current.value))
