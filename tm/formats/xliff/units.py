"""What an XLIFF file holds for Sverka, whatever its version: a file's languages, its units.

XLIFF 1.2 (``<trans-unit>``), 2.0 (``<unit>``/``<segment>``) and SDLXLIFF (1.2 with the
segments of a unit in ``<seg-source>``/``<mrk mtype="seg">``) are read into these, and
Sverka writes them from these; ``tm.formats.xliff.states`` maps states to statuses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

XLIFF_12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_20_NS = "urn:oasis:names:tc:xliff:document:2.0"
SDL_NS = "http://sdl.com/FileTypes/SdlXliff/1.0"
VERSIONS = ("1.2", "2.0")


@dataclass(frozen=True)
class XliffHeader:
    """The file's version and languages, and what it says it was made from."""

    version: str  # "1.2" or "2.0"
    source_language: str
    target_language: str | None
    original: str | None = None
    sdl: bool = False  # an SDLXLIFF file (Trados Studio)


@dataclass(frozen=True)
class XliffMatch:
    """A memory's suggestion for a unit: 1.2 ``<alt-trans>``, 2.0 ``<mtc:match>``."""

    source: str
    target: str
    quality: int  # the match score, 0-100 (101, a context match, is written as 100)
    origin: str  # the memory's name


@dataclass(frozen=True)
class XliffUnit:
    """One segment's worth of an XLIFF file: its id, source, target and state.

    ``unit_id`` is the trans-unit's (1.2) or unit's (2.0) id; ``segment_id`` the id of the
    segment within it where the format has one (2.0 ``<segment id>``, SDLXLIFF ``mrk mid``),
    else None. ``target`` is None when the unit has no target element at all, "" when the
    target is empty. ``state`` is as written (1.2 ``state``, 2.0 ``state``); ``approved``
    is 1.2's ``approved`` attribute (None: not given); ``confirmation`` SDLXLIFF's
    ``sdl:seg conf``. ``line`` is where the unit starts in the file, for reports.
    """

    unit_id: str
    source: str
    target: str | None
    segment_id: str | None = None
    state: str | None = None
    approved: bool | None = None
    confirmation: str | None = None
    notes: tuple[str, ...] = field(default=())
    kind: str | None = None  # Sverka's segment kind, from restype/type (x-headline, ...)
    line: int | None = None
    matches: tuple[XliffMatch, ...] = field(default=())  # written, never read
