"""Streaming XLIFF 1.2 and 2.0 writer: a file's header, then groups and units as they come.

Each unit is formatted and written as it comes (escaping as the TMX writer does), so memory
does not grow with the document. The output is valid against the XLIFF 1.2 transitional
and the 2.0 core schemas (with the matches module): 1.2 ``<trans-unit>`` children in the
schema's order (source, target, note, alt-trans), 2.0 modules before ``<notes>`` and the
``<segment>``.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from tm import __version__
from tm.formats.tmx.writer import escape_attr, escape_text
from tm.formats.xliff.units import XLIFF_12_NS, XLIFF_20_NS, XliffUnit

MATCHES_NS = "urn:oasis:names:tc:xliff:matches:2.0"
TOOL = "sverka"
# 2.0 ``type`` values are "prefix:value"; Sverka's prefix names its own kinds of text.
TYPE_PREFIX = "sverka"


def _attrs(values: dict[str, str | None]) -> str:
    return "".join(f' {name}="{escape_attr(value)}"' for name, value in values.items()
                   if value is not None)


class XliffWriter:
    """Write one ``<file>`` of ``version`` ("1.2", "2.0") to ``out``, unit by unit.

    ``group(id)`` holds the units written inside it in a group (a paragraph);
    ``write(unit)`` writes a unit with its target (``unit.target`` None: none), state,
    kind, notes and matches.
    """

    def __init__(self, out: str | Path | IO[bytes], *, version: str, source_language: str,
                 target_language: str, original: str, note: str | None = None) -> None:
        self.version = version
        self._out = out
        self._languages = (source_language, target_language)
        self._original = original
        self._note = note
        self._stack = contextlib.ExitStack()
        self._file: IO[str] | None = None

    def __enter__(self) -> XliffWriter:
        if isinstance(self._out, (str, Path)):
            self._file = self._stack.enter_context(open(self._out, "w", encoding="utf-8",
                                                        newline="\n"))
        else:  # the caller's stream: written through a wrapper, then left open
            self._file = io.TextIOWrapper(self._out, encoding="utf-8", newline="\n")
            self._stack.callback(self._file.detach)
            self._stack.callback(self._file.flush)
        source, target = self._languages
        self._put('<?xml version="1.0" encoding="UTF-8"?>\n')
        if self.version == "1.2":
            self._put(f'<xliff version="1.2" xmlns="{XLIFF_12_NS}">\n'
                      f'<file{_attrs({"original": self._original, "source-language": source, "target-language": target, "datatype": "plaintext", "tool-id": TOOL})}>\n'  # noqa: E501
                      f'<header><tool tool-id="{TOOL}" tool-name="Sverka" '
                      f'tool-version="{escape_attr(__version__)}"/>'
                      + (f"<note>{escape_text(self._note)}</note>" if self._note else "")
                      + "</header>\n<body>\n")
        else:
            self._put(f'<xliff version="2.0" xmlns="{XLIFF_20_NS}" xmlns:mtc="{MATCHES_NS}"'
                      f'{_attrs({"srcLang": source, "trgLang": target})}>\n'
                      f'<file id="f1"{_attrs({"original": self._original})}>\n'
                      + (f"<notes><note>{escape_text(self._note)}</note></notes>\n"
                         if self._note else ""))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self._put("</body>\n</file>\n</xliff>\n" if self.version == "1.2"
                      else "</file>\n</xliff>\n")
        self._stack.__exit__(kind, error, trace)

    def _put(self, text: str) -> None:
        assert self._file is not None, "use the writer in a with block"
        self._file.write(text)

    @contextlib.contextmanager
    def group(self, group_id: str, kind: str = "paragraph") -> Iterator[None]:
        """Hold the units written inside it in a group (a paragraph)."""
        if self.version == "1.2":
            self._put(f'<group{_attrs({"id": group_id, "restype": f"x-{kind}"})}>\n')
        else:
            self._put(f'<group{_attrs({"id": group_id, "type": f"{TYPE_PREFIX}:{kind}"})}>\n')
        yield
        self._put("</group>\n")

    def write(self, unit: XliffUnit) -> None:
        """Write ``unit`` (its ``unit_id`` is the trans-unit's or unit's id)."""
        self._put(self._unit_12(unit) if self.version == "1.2" else self._unit_20(unit))

    @staticmethod
    def _unit_12(unit: XliffUnit) -> str:
        attrs = {"id": unit.unit_id, "xml:space": "preserve",
                 "restype": f"x-{unit.kind}" if unit.kind else None,
                 "approved": "yes" if unit.approved else None}
        parts = [f"<trans-unit{_attrs(attrs)}><source>{escape_text(unit.source)}</source>"]
        if unit.target is not None:
            parts.append(f"<target{_attrs({'state': unit.state})}>"
                         f"{escape_text(unit.target)}</target>")
        parts += [f"<note>{escape_text(note)}</note>" for note in unit.notes]
        parts += [f'<alt-trans{_attrs({"match-quality": str(min(m.quality, 100)), "origin": m.origin})}>'  # noqa: E501
                  f"<source>{escape_text(m.source)}</source>"
                  f"<target>{escape_text(m.target)}</target></alt-trans>"
                  for m in unit.matches]
        return "".join(parts) + "</trans-unit>\n"

    @staticmethod
    def _unit_20(unit: XliffUnit) -> str:
        attrs = {"id": unit.unit_id, "xml:space": "preserve",
                 "type": f"{TYPE_PREFIX}:{unit.kind}" if unit.kind else None}
        segment_id = unit.segment_id or f"s{unit.unit_id}"
        parts = [f"<unit{_attrs(attrs)}>"]
        if unit.matches:
            parts.append("<mtc:matches>")
            parts += [f'<mtc:match{_attrs({"ref": f"#{segment_id}", "matchQuality": f"{min(m.quality, 100)}.0", "origin": m.origin, "type": "tm"})}>'  # noqa: E501
                      f"<source>{escape_text(m.source)}</source>"
                      f"<target>{escape_text(m.target)}</target></mtc:match>"
                      for m in unit.matches]
            parts.append("</mtc:matches>")
        if unit.notes:
            parts.append("<notes>" + "".join(f"<note>{escape_text(n)}</note>"
                                             for n in unit.notes) + "</notes>")
        parts.append(f"<segment{_attrs({'id': segment_id, 'state': unit.state})}>"
                     f"<source>{escape_text(unit.source)}</source>")
        if unit.target is not None:
            parts.append(f"<target>{escape_text(unit.target)}</target>")
        return "".join(parts) + "</segment></unit>\n"
