"""Post-editing effort: how far the final text of a document moved from the machine output.

Two ways a desk post-edits, both measured:

* a track pre-translated from the memories (origin ``tm``) edited in place: the machine
  output is each translation's first revision, the final text its current one;
* a machine track (an MT system's output, origin ``machine``) beside the track the editors
  wrote (``final``, default ``human``): segment by segment, where both have a translation.

Per system, over all its segments, per document and per editor (the final text's author):
HTER (TER of the machine output against the final text, sacrebleu's TER with the final text
as the reference: the share of words an editor inserted, deleted, substituted or shifted),
chrF of the machine output against the final text, the share of segments left unchanged,
and the text edits per segment (revisions that changed the text after the machine's).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tm.errors import ScoringError
from tm.models import Origin, RevisionAction, Segment, Track, Translation, TranslationRevision
from tm.scoring.metrics import METRICS

DEFAULT_FINAL = "human"
# The revisions that change a translation's text (a status change or an alignment does not).
TEXT_EDITS = (RevisionAction.EDIT, RevisionAction.RESTORE)
MACHINE_ORIGINS = (Origin.MACHINE, Origin.TM)


@dataclass(frozen=True, slots=True)
class Pair:
    """One segment's machine output and final text, with who finished it and how often."""

    document_id: int
    editor: str
    machine: str
    final: str
    edits: int


@dataclass(frozen=True, slots=True)
class Effort:
    """Post-editing effort over some segments."""

    segments: int
    unchanged: float  # share of segments whose final text is the machine's
    hter: float  # TER × 100 of the machine output against the final text
    chrf: float  # chrF of the machine output against the final text
    edits_per_segment: float

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"segments": self.segments, "unchanged": self.unchanged, "hter": self.hter,
                "chrf": self.chrf, "edits_per_segment": self.edits_per_segment}


@dataclass(slots=True)
class SystemEffort:
    """One machine track's effort: overall, per document and per editor."""

    system: str
    final: str  # the track the final texts are in (the system's own for a pre-translation)
    total: Effort
    documents: dict[int, Effort] = field(default_factory=dict)
    editors: dict[str, Effort] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"system": self.system, "final": self.final, **self.total.as_dict(),
                "documents": [{"document": d, **e.as_dict()}
                              for d, e in sorted(self.documents.items())],
                "editors": [{"editor": n, **e.as_dict()} for n, e in sorted(self.editors.items())]}


def effort(pairs: Sequence[Pair], lang: str) -> Effort:
    """The effort over ``pairs`` (at least one)."""
    machine = [p.machine for p in pairs]
    final = [p.final for p in pairs]
    ter = METRICS["ter"].build(lang).corpus_score(machine, [final]).score
    chrf = METRICS["chrf"].build(lang).corpus_score(machine, [final]).score
    return Effort(segments=len(pairs),
                  unchanged=round(sum(p.machine == p.final for p in pairs) / len(pairs), 4),
                  hter=round(ter, 2), chrf=round(chrf, 2),
                  edits_per_segment=round(sum(p.edits for p in pairs) / len(pairs), 3))


def _edits(session: Session, translation_ids: Iterable[int]) -> dict[int, int]:
    return dict(session.execute(
        select(TranslationRevision.translation_id, func.count())
        .where(TranslationRevision.translation_id.in_(list(translation_ids)),
               TranslationRevision.action.in_(TEXT_EDITS))
        .group_by(TranslationRevision.translation_id)).all())


def _in_place(session: Session, track: Track, document_ids: Sequence[int]) -> list[Pair]:
    """A pre-translated track edited in place: first revision against the current text, for
    the translations someone handled since (a later revision: an edit or a confirmation)."""
    handled = (select(TranslationRevision.translation_id)
               .where(TranslationRevision.number > 1).distinct())
    rows = session.execute(
        select(Translation.id, Segment.document_id, Translation.author, Translation.text,
               TranslationRevision.text)
        .join(Segment, Segment.id == Translation.segment_id)
        .join(TranslationRevision, (TranslationRevision.translation_id == Translation.id)
              & (TranslationRevision.number == 1))
        .where(Translation.track_id == track.id, Segment.document_id.in_(document_ids),
               Translation.id.in_(handled))
        .order_by(Segment.document_id, Segment.position)).all()
    edits = _edits(session, [r[0] for r in rows])
    return [Pair(document_id=document_id, editor=author or "—", machine=first, final=text,
                 edits=edits.get(tid, 0))
            for tid, document_id, author, text, first in rows]


def _beside(session: Session, system: Track, final: Track,
            document_ids: Sequence[int]) -> list[Pair]:
    """A machine track against the final track, segment by segment."""
    machine = dict(session.execute(
        select(Translation.segment_id, Translation.text)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Translation.track_id == system.id, Segment.document_id.in_(document_ids))).all())
    rows = session.execute(
        select(Translation.id, Translation.segment_id, Segment.document_id, Translation.author,
               Translation.text)
        .join(Segment, Segment.id == Translation.segment_id)
        .where(Translation.track_id == final.id, Segment.document_id.in_(document_ids),
               Translation.segment_id.in_(list(machine)))
        .order_by(Segment.document_id, Segment.position)).all()
    edits = _edits(session, [r[0] for r in rows])
    return [Pair(document_id=document_id, editor=author or "—", machine=machine[segment_id],
                 final=text, edits=edits.get(tid, 0))
            for tid, segment_id, document_id, author, text in rows]


def _machine_tracks(session: Session, document_ids: Sequence[int]) -> list[Track]:
    return list(session.scalars(
        select(Track).where(Track.origin.in_(MACHINE_ORIGINS), Track.id.in_(
            select(Translation.track_id).join(Segment, Segment.id == Translation.segment_id)
            .where(Segment.document_id.in_(document_ids))))
        .order_by(Track.name)))


def post_edit_effort(session: Session, document_ids: Sequence[int], *,
                     final: str = DEFAULT_FINAL, systems: Sequence[str] | None = None,
                     lang: str = "en") -> list[SystemEffort]:
    """The post-editing effort of each machine track (``systems``, default every track of
    origin machine or tm) in the documents: a ``tm`` track against its own first
    revisions, a machine track against ``final``. Raises ScoringError if none has a
    segment to compare."""
    from tm.translations import get_track

    tracks = ([get_track(session, name) for name in systems] if systems
              else _machine_tracks(session, document_ids))
    final_track = session.scalar(select(Track).where(Track.name == final))
    out = []
    for track in tracks:
        if track.origin is Origin.TM:
            pairs, into = _in_place(session, track, document_ids), track.name
        elif final_track is not None and final_track.id != track.id:
            pairs, into = _beside(session, track, final_track, document_ids), final
        else:
            continue
        if not pairs:
            continue
        by_document: dict[int, list[Pair]] = {}
        by_editor: dict[str, list[Pair]] = {}
        for pair in pairs:
            by_document.setdefault(pair.document_id, []).append(pair)
            by_editor.setdefault(pair.editor, []).append(pair)
        out.append(SystemEffort(
            system=track.name, final=into, total=effort(pairs, lang),
            documents={k: effort(v, lang) for k, v in by_document.items()},
            editors={k: effort(v, lang) for k, v in by_editor.items()}))
    if not out:
        raise ScoringError("postedit-no-machine-output",
                           "no machine output to compare with the final text ({final}): "
                           "pre-translate a document, or give --system TRACK", final=final)
    return out
