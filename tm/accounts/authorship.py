"""The author of a change: a user, or the name of whoever wrote text brought in from elsewhere."""
from __future__ import annotations

from typing import Any

from tm.models import User

# A user for what someone did in Sverka; a name for what came from a file or a corpus (an
# agency's translator); None when nobody is known.
Author = User | str | None


def author_fields(author: Author) -> dict[str, Any]:
    """Return the ``author`` and ``author_id`` column values recording ``author``."""
    if isinstance(author, User):
        return {"author": author.display_name, "author_id": author.id}
    return {"author": author, "author_id": None}


def author_user_id(author: Author) -> int | None:
    """Return the id of the user ``author`` is (for rows that keep no author text), else None."""
    return author.id if isinstance(author, User) else None
