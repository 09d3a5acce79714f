"""Pages of a list that the server cuts: how many there are and which one a caller may ask for."""
from __future__ import annotations

import math
from collections.abc import Callable

from tm.errors import ValidationError
from tm.messages import Message, Plural

MAX_PAGE = 1_000_000
# What a page of each kind of list (``what``) holds at most, said when a size is too large.
PAGE_SIZES: dict[str, Callable[[int], Message]] = {
    "documents": lambda most: Plural("page-size-documents", "a page holds 1 to {count} document",
                                     "a page holds 1 to {count} documents", count=most),
    "units": lambda most: Plural("page-size-units", "a page holds 1 to {count} unit",
                                 "a page holds 1 to {count} units", count=most),
}


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` items fill at ``size`` a page (one, even for none)."""
    return max(1, math.ceil(total / size))


def checked_page(number: int, size: int, *, max_size: int, what: str) -> None:
    """Refuse a page number or size out of bounds (ValidationError naming ``what``, a key of
    :data:`PAGE_SIZES`)."""
    if not 1 <= size <= max_size:
        raise ValidationError(PAGE_SIZES[what](max_size))
    if not 1 <= number <= MAX_PAGE:
        raise ValidationError("page-number-range", "pages are numbered from 1 to {max:,}",
                              max=MAX_PAGE)


def within(number: int, total: int, size: int) -> int:
    """Page ``number``, or the last page when it is past it (a link from a longer list)."""
    return min(number, page_count(total, size))
