"""What every alignment format writes: links with their sentences' texts, and the writer contract.

A format module (``tm.formats.tsv``, ``tm.formats.json``, ``tm.formats.tmx.links``) has a
``write_links(out, links, *, src_lang, tgt_lang)`` that writes :class:`TextLink` s to a binary
stream as UTF-8, ending with a line break when it wrote anything; ``tm.formats.LINK_FORMATS``
names them.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tm.align import Link


@dataclass(frozen=True, slots=True)
class TextLink:
    """An alignment link with the texts of its sentences (either side may be empty)."""

    src: tuple[int, ...]  # source sentence indices
    tgt: tuple[int, ...]
    score: float  # the aligner's confidence, 0-1
    src_text: str  # the source sentences joined by spaces
    tgt_text: str

    @classmethod
    def of(cls, link: Link, src: Sequence[str], tgt: Sequence[str]) -> TextLink:
        """Return ``link`` with the texts of its sentences among ``src`` and ``tgt``."""
        return cls(src=link.src, tgt=link.tgt, score=link.score,
                   src_text=" ".join(src[i] for i in link.src),
                   tgt_text=" ".join(tgt[i] for i in link.tgt))


class LinkWriter(Protocol):
    """A format's ``write_links``."""

    def __call__(self, out: IO[bytes], links: Iterable[TextLink], *, src_lang: str,
                 tgt_lang: str) -> None: ...
