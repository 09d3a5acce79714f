"""Pages of a list that the server cuts: how many there are and which one a caller may ask for."""
from __future__ import annotations

import math

from tm.errors import ValidationError

MAX_PAGE = 1_000_000


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` items fill at ``size`` a page (one, even for none)."""
    return max(1, math.ceil(total / size))


def checked_page(number: int, size: int, *, max_size: int, what: str) -> None:
    """Refuse a page number or size out of bounds (ValidationError naming ``what``)."""
    if not 1 <= size <= max_size:
        raise ValidationError(f"a page holds 1 to {max_size} {what}")
    if not 1 <= number <= MAX_PAGE:
        raise ValidationError(f"pages are numbered from 1 to {MAX_PAGE:,}")


def within(number: int, total: int, size: int) -> int:
    """Page ``number``, or the last page when it is past it (a link from a longer list)."""
    return min(number, page_count(total, size))
