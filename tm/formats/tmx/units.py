"""Values read from and written to TMX: units, their variants, props and notes."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

# TMX 1.4 §3.2: dates are "YYYYMMDDThhmmssZ" in UTC. Tools also write ISO 8601 with
# separators or offsets; those are read too and written back in the TMX form.
_TMX_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?"
                       r"(Z|[+-]\d{2}:?\d{2})?)?$")


# An attribute the DTD does not allow on a <tu>, <tuv> or <header> is written as a prop of
# this type prefix, so nothing is lost and the file stays valid ("x-" props are TMX's
# extension point); the reader turns it back into the attribute.
ATTR_PROP_PREFIX = "x-sverka-attr:"
# A prop or note with attributes the DTD does not allow (Trados writes <prop type2=…>) is
# written as a prop whose type carries the original type and attributes as JSON.
ENCODED_PROP_PREFIX = "x-sverka-prop:"
META_ATTRS = frozenset({"xml:lang", "o-encoding"})


def encode_prop_type(kind: str | None, foreign: dict[str, str]) -> str:
    """Return a valid prop type that carries a type and attributes the DTD does not allow."""
    return ENCODED_PROP_PREFIX + json.dumps({"type": kind, "attrs": foreign},
                                            ensure_ascii=False, sort_keys=True)


def decode_prop_type(kind: str) -> tuple[str | None, dict[str, str]] | None:
    """Undo :func:`encode_prop_type`; None for an ordinary type."""
    if not kind.startswith(ENCODED_PROP_PREFIX):
        return None
    try:
        data = json.loads(kind[len(ENCODED_PROP_PREFIX):])
        return data.get("type"), dict(data.get("attrs") or {})
    except (ValueError, AttributeError):
        return None


def parse_tmx_date(value: str | None) -> dt.datetime | None:
    """Parse a TMX date; None when absent or unreadable (the raw value is kept elsewhere)."""
    if not value:
        return None
    match = _TMX_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                             int(second or 0))
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return (moment - sign * offset).replace(tzinfo=dt.UTC)
    return moment.replace(tzinfo=dt.UTC)


def format_tmx_date(value: dt.datetime) -> str:
    """Format an aware datetime as a TMX date, YYYYMMDDThhmmssZ in UTC."""
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True, slots=True)
class Meta:
    """A ``<prop>`` or a ``<note>``, in document order, with any attributes it had."""

    kind: str  # "prop" or "note"
    text: str
    type: str | None = None  # a prop's type
    attrs: dict[str, str] = field(default_factory=dict)  # xml:lang, o-encoding

    def as_json(self) -> dict[str, Any]:
        """Return a compact JSON-ready form."""
        data: dict[str, Any] = {"k": self.kind, "text": self.text}
        if self.type is not None:
            data["type"] = self.type
        if self.attrs:
            data["attrs"] = self.attrs
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meta:
        """Rebuild from :meth:`as_json`."""
        return cls(kind=data["k"], text=data["text"], type=data.get("type"),
                   attrs=dict(data.get("attrs") or {}))


@dataclass(frozen=True, slots=True)
class Variant:
    """A ``<tuv>``: one language's text of a unit."""

    lang: str  # normalized BCP 47, or the raw value when it is not a language tag
    raw_lang: str  # as written in the file
    text: str  # plain text: inline codes dropped, <hi> text kept
    markup: str | None = None  # the <seg> content as XML when it has inline elements
    attrs: dict[str, str] = field(default_factory=dict)  # every tuv attribute but the language
    meta: tuple[Meta, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Return a compact JSON-ready form."""
        data: dict[str, Any] = {"lang": self.raw_lang, "text": self.text}
        if self.markup is not None:
            data["markup"] = self.markup
        if self.attrs:
            data["attrs"] = self.attrs
        if self.meta:
            data["meta"] = [m.as_json() for m in self.meta]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], lang: str) -> Variant:
        """Rebuild from :meth:`as_json`; ``lang`` is the normalized tag."""
        return cls(lang=lang, raw_lang=data["lang"], text=data["text"],
                   markup=data.get("markup"), attrs=dict(data.get("attrs") or {}),
                   meta=tuple(Meta.from_json(m) for m in data.get("meta") or ()))


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """A ``<tu>`` with all its variants, attributes, props and notes."""

    variants: tuple[Variant, ...]
    attrs: dict[str, str] = field(default_factory=dict)  # every tu attribute, tuid included
    meta: tuple[Meta, ...] = ()
    line: int | None = None  # where the unit starts in the file, for reports

    @property
    def tuid(self) -> str | None:
        """The unit's tuid attribute, if any."""
        return self.attrs.get("tuid")


@dataclass(slots=True)
class TmxHeader:
    """The ``<header>``: its attributes, props and notes, and user-defined encodings."""

    attrs: dict[str, str] = field(default_factory=dict)
    meta: tuple[Meta, ...] = ()
    ude: tuple[str, ...] = ()  # <ude> elements as XML, kept verbatim
    version: str | None = None  # the <tmx version="…"> attribute

    def as_json(self) -> dict[str, Any]:
        """Return a JSON-ready form for storing with a memory."""
        return {"attrs": self.attrs, "meta": [m.as_json() for m in self.meta],
                "ude": list(self.ude), "version": self.version}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> TmxHeader:
        """Rebuild from :meth:`as_json` (an empty header for None)."""
        data = data or {}
        return cls(attrs=dict(data.get("attrs") or {}),
                   meta=tuple(Meta.from_json(m) for m in data.get("meta") or ()),
                   ude=tuple(data.get("ude") or ()), version=data.get("version"))
