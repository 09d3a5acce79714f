"""Sverka's statuses as XLIFF states, and back.

| Sverka     | XLIFF 1.2 ``state`` (+ ``approved``) | XLIFF 2.0 ``state`` | SDLXLIFF ``conf``     |
|------------|--------------------------------------|---------------------|-----------------------|
| draft      | needs-translation                    | initial             | Draft                 |
| translated | translated                           | translated          | Translated            |
| reviewed   | signed-off                           | reviewed            | ApprovedTranslation   |
| approved   | final, approved="yes"                | final               | ApprovedSignOff       |
| rejected   | needs-review-translation             | initial             | RejectedTranslation   |

1.2's ladder translated → signed-off ("reviewed and approved") → final is Sverka's
translated → reviewed → approved; ``needs-review-translation`` ("needs to be reviewed")
is read as translated, and written only for a rejected translation, which a reviewer sent
back. Reading is lenient: 1.2 ``new`` and the ``needs-*`` states of adaptation and
localisation are drafts; ``approved="yes"`` is approved whatever the state; a unit without a
state is translated in 1.2 (its state is optional) and a draft in 2.0 (``initial`` is the
default there).
"""
from __future__ import annotations

from tm.models import Status

STATE_12 = {Status.DRAFT: "needs-translation", Status.TRANSLATED: "translated",
            Status.REVIEWED: "signed-off", Status.APPROVED: "final",
            Status.REJECTED: "needs-review-translation"}
STATE_20 = {Status.DRAFT: "initial", Status.TRANSLATED: "translated",
            Status.REVIEWED: "reviewed", Status.APPROVED: "final",
            Status.REJECTED: "initial"}
_READ_12 = {"new": Status.DRAFT, "needs-translation": Status.DRAFT,
            "needs-adaptation": Status.DRAFT, "needs-l10n": Status.DRAFT,
            "needs-review-translation": Status.TRANSLATED,
            "needs-review-adaptation": Status.TRANSLATED,
            "needs-review-l10n": Status.TRANSLATED, "translated": Status.TRANSLATED,
            "signed-off": Status.REVIEWED, "final": Status.APPROVED}
_READ_20 = {"initial": Status.DRAFT, "translated": Status.TRANSLATED,
            "reviewed": Status.REVIEWED, "final": Status.APPROVED}
_READ_SDL = {"draft": Status.DRAFT, "translated": Status.TRANSLATED,
             "approvedtranslation": Status.REVIEWED, "approvedsignoff": Status.APPROVED,
             "rejectedtranslation": Status.REJECTED, "rejectedsignoff": Status.REJECTED}


def status_of(version: str, state: str | None, *, approved: bool | None = None,
              confirmation: str | None = None) -> Status:
    """The status of a unit read from an XLIFF file of ``version`` ("1.2", "2.0")."""
    if approved:
        return Status.APPROVED
    if confirmation:
        found = _READ_SDL.get(confirmation.strip().lower())
        if found is not None:
            return found
    if version == "2.0":
        return _READ_20.get((state or "initial").strip().lower(), Status.DRAFT)
    if state is None:
        return Status.TRANSLATED
    return _READ_12.get(state.strip().lower(), Status.TRANSLATED)
