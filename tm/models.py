"""The storage model: documents, their paragraphs and segments, tracks, translations, history.

Typed SQLAlchemy 2.x declarative models. The same models run on SQLite and PostgreSQL;
the schema is created and migrated by Alembic (``tm/migrations``), never by ``create_all``.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from tm.errors import ValidationError
from tm.lang import normalize_lang
from tm.messages import Message, loads

# Stable constraint names so Alembic migrations are the same on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Sverka stores aware UTC timestamps")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class LanguageTag(TypeDecorator[str]):
    """A BCP 47 language tag, normalized on the way in (``RU_ru`` is stored as ``ru-RU``)."""

    impl = String(35)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else normalize_lang(value)


class SegmentKind(enum.StrEnum):
    """What a source segment is within its article."""

    HEADLINE = "headline"
    DATELINE = "dateline"
    BODY = "body"
    BOILERPLATE = "boilerplate"


class Origin(enum.StrEnum):
    """Where a translation came from."""

    HUMAN = "human"
    SUPPLIED = "supplied"  # delivered by someone else: an agency, a client
    MACHINE = "machine"
    TM = "tm"  # pre-translated from the translation memory


class Status(enum.StrEnum):
    """Workflow state of a translation: draft → translated → reviewed → approved, or rejected."""

    DRAFT = "draft"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"

    @classmethod
    def parse(cls, value: object) -> Status:
        """Return the status ``value`` names; ValidationError, naming the statuses, if none."""
        try:
            return cls(str(value))
        except ValueError:
            raise ValidationError("status-unknown", "unknown status {value!r}: use one of "
                                  "{choices}", value=value, choices=", ".join(cls)) from None


class RevisionAction(enum.StrEnum):
    """Why a revision was recorded in a translation's history (or a source segment's)."""

    CREATE = "create"  # a translation's first revision
    EDIT = "edit"  # its text changed (a segment's revision: its source text did)
    STATUS = "status"  # only its status changed
    RESTORE = "restore"  # an earlier revision made current again
    ALIGN = "align"  # saved from the alignment editor
    TM = "tm"  # overwritten by a pre-translation from the memory
    SPLIT = "split"  # its source segment was split (a segment's revision: the parts)
    SOURCE_EDIT = "source-edit"  # its source segment's text was edited


class Role(enum.StrEnum):
    """What a user may do, each role all that the one before it may, and more.

    Global for now: a later per-memory or per-document grant names a user, an object and
    one of these roles, and the stricter of the two applies.
    """

    VIEWER = "viewer"  # read, search, download
    TRANSLATOR = "translator"  # + translate: draft and translated
    REVIEWER = "reviewer"  # + review, approve, reject, restore, edit and split sources
    MANAGER = "manager"  # + import, add tracks, score, delete
    ADMIN = "admin"  # + users, roles, others' tokens, the audit log

    @property
    def rank(self) -> int:
        """The role's place in the order, 0 for viewer."""
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """Whether a user with this role may do everything ``other`` may."""
        return self.rank >= other.rank

    @classmethod
    def parse(cls, value: object) -> Role:
        """Return the role ``value`` names; ValidationError, naming the roles, if none."""
        try:
            return cls(str(value))
        except ValueError:
            raise ValidationError("role-unknown", "unknown role {value!r}: use one of {choices}",
                                  value=value, choices=", ".join(cls)) from None


class AuditAction(enum.StrEnum):
    """What an audit event records."""

    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOGOUT = "logout"
    LOGOUT_EVERYWHERE = "logout-everywhere"
    IMPORT = "import"
    EXPORT = "export"
    DELETE = "delete"
    USER_ADD = "user-add"
    USER_CHANGE = "user-change"
    TOKEN_CREATE = "token-create"
    TOKEN_REVOKE = "token-revoke"


class JobState(enum.StrEnum):
    """Where a background job is: waiting, working, or ended (how)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # its process died (a restart, a crash): nothing of it is kept
    CANCELLED = "cancelled"


# The width of the action columns, which every RevisionAction value must fit.
ACTION_LENGTH = 20


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Plain VARCHAR + CHECK rather than a native ENUM type: identical on SQLite and PostgreSQL
    # and a new value needs no ALTER TYPE.
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


def _action() -> Enum:
    # The VARCHAR(20) the action columns were created as, without a CHECK constraint: the
    # stored strings are the enum's values, so no migration is needed, and Python refuses
    # any other value on the way in.
    return Enum(RevisionAction, native_enum=False, create_constraint=False,
                length=ACTION_LENGTH, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


def _author_id() -> Mapped[int | None]:
    # The user who made the change; the row's author text keeps the name they had then
    # (and the name of whoever wrote text imported from elsewhere, who is no user).
    # No index: users are disabled, never deleted, so nothing looks rows up by it.
    return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A person who logs in: a translator, a reviewer, an editor, an administrator.

    Users are disabled, never deleted, so what they did keeps its author. ``credentials``
    counts the times all their sessions and tokens were ended: a session remembers the
    count it began with and is over once the count moves on.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)  # case-folded
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: no password login
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A personal API token (``kind`` "api") or a one-time login link (``kind`` "login").

    Only a hash of the secret is kept (SHA-256: the secret is 256 random bits, so a slow
    hash would add nothing); ``prefix`` is its first characters, to tell tokens apart.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    role: Mapped[Role | None] = mapped_column(_enum(Role, "role"))  # at most the user's
    credentials: Mapped[int] = mapped_column(Integer)  # the user's count when it was made
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Job(Base):
    """Long work (an import) and what became of it, kept where every process reads it.

    ``params`` holds what the job needs to run again — the article a user pasted, say — until
    it is done; ``worker`` names the process running it (``host:pid``), so another process
    can tell that it died and the job was interrupted.
    """

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[JobState] = mapped_column(_enum(JobState, "job_state"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # None is SQL NULL (not JSON null), so "whose input is kept" is ``params IS NOT NULL``.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Why it failed or stopped: a message as JSON (tm.messages.dumps), worded when shown;
    # rows from before messages were kept hold plain English.
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(100))
    # The last stage the job reported and how far it came, kept when it ends (while it
    # runs, its live progress is in the queue's store: tm.queue).
    stage: Mapped[str | None] = mapped_column(String(40))
    done: Mapped[int | None] = mapped_column(BigInteger)
    total: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    @property
    def error_message(self) -> Message | None:
        """Why it failed or stopped, to word in the reader's language; None if it did not."""
        return None if not self.error else loads(self.error)


class AuditEvent(Base):
    """Who did what to which object, when, from where: rows are added, never changed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str | None] = mapped_column(String(100))  # the login given, kept as typed
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, "audit_action"))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Document(Base):
    """A Russian article (or any source text) with its structure."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    # The title case-folded in Python: SQLite's LOWER() and LIKE fold ASCII only, so a
    # search for «резолюция» would miss «Резолюция» without it.
    title_folded: Mapped[str] = mapped_column(String(500), index=True)
    src_lang: Mapped[str] = mapped_column(LanguageTag())
    tgt_lang: Mapped[str] = mapped_column(LanguageTag())
    url: Mapped[str | None] = mapped_column(String(2000))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Its last activity: the import, or the last change to one of its translations (to the
    # minute, see tm.documents.touch); the documents list is sorted by it.
    active_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    source_format: Mapped[str] = mapped_column(String(20))  # text, html
    source_name: Mapped[str | None] = mapped_column(String(500))  # file name, "-" for stdin
    # Set for documents loaded from a corpus directory, so loading it again is idempotent.
    corpus_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The memory its approved translations flow into (None: the default memory, "main").
    memory_id: Mapped[int | None] = mapped_column(ForeignKey("memory.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = _author_id()  # the user who imported it

    @validates("title")
    def _fold_title(self, _key: str, value: str) -> str:
        self.title_folded = value.casefold()
        return value

    @validates("src_lang", "tgt_lang")
    def _normalize_lang(self, _key: str, value: str) -> str:
        return normalize_lang(value)

    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="document", order_by="Paragraph.position", cascade="all, delete-orphan")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="document", order_by="Segment.position", cascade="all, delete-orphan",
        overlaps="paragraph")


class Paragraph(Base):
    """A paragraph (or line) of a document, in order."""

    __tablename__ = "paragraph"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="paragraphs")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="paragraph", order_by="Segment.position", overlaps="segments")


class Segment(Base):
    """A source sentence (or headline, dateline, boilerplate line) of a document."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    paragraph_id: Mapped[int] = mapped_column(
        ForeignKey("paragraph.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within the whole document
    kind: Mapped[SegmentKind] = mapped_column(_enum(SegmentKind, "segment_kind"))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)  # character offsets within the paragraph
    end: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="segments", overlaps="segments")
    paragraph: Mapped[Paragraph] = relationship(back_populates="segments", overlaps="segments")
    translations: Mapped[list[Translation]] = relationship(
        back_populates="segment", cascade="all, delete-orphan")
    revisions: Mapped[list[SegmentRevision]] = relationship(
        back_populates="segment", order_by="SegmentRevision.id", cascade="all, delete-orphan")

    @property
    def is_boilerplate(self) -> bool:
        """True for lines that are kept but left out of TM and scoring by default."""
        return self.kind is SegmentKind.BOILERPLATE


class SegmentRevision(Base):
    """One change of a source segment's text: what it was, what it became, who, when, why.

    The source is shared by every track, so its history is kept once, on the segment
    (see :func:`tm.source_edits.edit_source`); the translations it changed say so in theirs.
    """

    __tablename__ = "segment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    old_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()
    # EDIT or SPLIT (text: the parts, a line each)
    action: Mapped[RevisionAction] = mapped_column(_action())
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    segment: Mapped[Segment] = relationship(back_populates="revisions")


class Track(Base):
    """A named translation track: ``human``, ``agency``, ``mt:online-a``..."""

    __tablename__ = "track"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "origin"))  # default for its units
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Translation(Base):
    """The translation of one source segment (or a run of them) in one track.

    ``segment_count`` > 1 means the target covers that many consecutive source segments
    (a 2-1 alignment); the covered segments after the first have no translation of their own.
    """

    __tablename__ = "translation"
    __table_args__ = (
        UniqueConstraint("segment_id", "track_id"),
        CheckConstraint("segment_count >= 1", name="segment_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"), index=True)
    segment_count: Mapped[int] = mapped_column(Integer, default=1)
    lang: Mapped[str] = mapped_column(LanguageTag())
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "origin"))
    author: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()
    note: Mapped[str | None] = mapped_column(Text)
    align_score: Mapped[float | None] = mapped_column(Float)  # aligner confidence, 0–1
    # The match score (0–101) of the memory unit a pre-translation was taken from.
    tm_score: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Optimistic concurrency: an UPDATE whose version no longer matches fails (no lost updates).
    version: Mapped[int] = mapped_column(Integer, default=1)

    @validates("lang")
    def _normalize_lang(self, _key: str, value: str) -> str:
        return normalize_lang(value)

    segment: Mapped[Segment] = relationship(back_populates="translations")
    track: Mapped[Track] = relationship()
    revisions: Mapped[list[TranslationRevision]] = relationship(
        back_populates="translation", order_by="TranslationRevision.number",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class TranslationRevision(Base):
    """One state of a translation in its history: what it was after a change, who, when, why."""

    __tablename__ = "translation_revision"
    __table_args__ = (UniqueConstraint("translation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translation.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1 is the first version
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))
    author: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()
    action: Mapped[RevisionAction] = mapped_column(_action())
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    translation: Mapped[Translation] = relationship(back_populates="revisions")


class Memory(Base):
    """A named translation memory: a collection of units in one language pair."""

    __tablename__ = "memory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    src_lang: Mapped[str] = mapped_column(LanguageTag())
    tgt_lang: Mapped[str] = mapped_column(LanguageTag())
    description: Mapped[str | None] = mapped_column(Text)
    # Percentage points taken off every match from this memory (OmegaT's tm/penalty-N).
    penalty: Mapped[int] = mapped_column(Integer, default=0)
    # The TMX header this memory was imported with (attributes, props, notes), for export.
    header: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @validates("src_lang", "tgt_lang")
    def _normalize_lang(self, _key: str, value: str) -> str:
        return normalize_lang(value)


class MemoryUnit(Base):
    """A translation unit of a memory: a source and a target text and all that came with them.

    ``source``/``target`` are plain text for matching and display; ``*_markup`` keep the
    segment's inline codes as XML when there are any; ``extra`` keeps everything else a TMX
    unit carried (attributes, props, notes, other languages' variants), so nothing is lost.
    """

    __tablename__ = "memory_unit"
    __table_args__ = (Index("ix_memory_unit_memory_id_source_key", "memory_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memory_id: Mapped[int] = mapped_column(ForeignKey("memory.id", ondelete="CASCADE"))
    tuid: Mapped[str | None] = mapped_column(String(200))
    src_lang: Mapped[str] = mapped_column(LanguageTag())
    tgt_lang: Mapped[str] = mapped_column(LanguageTag())
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    source_markup: Mapped[str | None] = mapped_column(Text)
    target_markup: Mapped[str | None] = mapped_column(Text)
    # A hash of the source as OmegaT compares it (exact text), for duplicates and 100% lookup.
    source_key: Mapped[str] = mapped_column(String(40))
    context_before: Mapped[str | None] = mapped_column(Text)  # previous source sentence
    context_after: Mapped[str | None] = mapped_column(Text)  # next source sentence
    created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    changed_by: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()  # the user whose approval wrote it
    usage_count: Mapped[int | None] = mapped_column(Integer)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Where the unit came from when a document translation flowed into the memory.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id", ondelete="SET NULL"))
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("translation.id", ondelete="SET NULL"), index=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memory: Mapped[Memory] = relationship()


Index("ix_segment_document_kind", Segment.document_id, Segment.kind)


class TestSet(Base):
    """A named, ordered set of documents that translation tracks are scored on."""

    __tablename__ = "test_set"
    __test__ = False  # not a pytest test class, despite the name

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    src_lang: Mapped[str] = mapped_column(LanguageTag())
    tgt_lang: Mapped[str] = mapped_column(LanguageTag())
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @validates("src_lang", "tgt_lang")
    def _normalize_lang(self, _key: str, value: str) -> str:
        return normalize_lang(value)

    members: Mapped[list[TestSetDocument]] = relationship(
        back_populates="test_set", order_by="TestSetDocument.position",
        cascade="all, delete-orphan")


class TestSetDocument(Base):
    """A document's place in a test set; ``doc_key`` is its id in the source data (WMT docid)."""

    __tablename__ = "test_set_document"
    # Named by hand: the naming convention uses the first column only, and both start alike.
    __table_args__ = (
        UniqueConstraint("test_set_id", "position", name="uq_test_set_document_position"),
        UniqueConstraint("test_set_id", "document_id", name="uq_test_set_document_document_id"))
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    test_set_id: Mapped[int] = mapped_column(ForeignKey("test_set.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    doc_key: Mapped[str | None] = mapped_column(String(200))

    test_set: Mapped[TestSet] = relationship(back_populates="members")
    document: Mapped[Document] = relationship()


class ScoreRun(Base):
    """One scoring of tracks against reference tracks on a test set, at one time.

    The runs of a test set over time are the history of how its tracks' scores changed.
    """

    __tablename__ = "score_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_set_id: Mapped[int] = mapped_column(
        ForeignKey("test_set.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Paired significance test, if any: "bs" (bootstrap) or "ar" (approximate randomization).
    significance: Mapped[str | None] = mapped_column(String(10))
    baseline_track_id: Mapped[int | None] = mapped_column(
        ForeignKey("track.id", ondelete="SET NULL"))
    seed: Mapped[int | None] = mapped_column(Integer)
    samples: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = _author_id()  # the user who ran it

    test_set: Mapped[TestSet] = relationship()
    baseline: Mapped[Track | None] = relationship()
    references: Mapped[list[ScoreReference]] = relationship(
        order_by="ScoreReference.position", cascade="all, delete-orphan")
    scores: Mapped[list[Score]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ScoreReference(Base):
    """A reference track of a score run, in the order the references were given."""

    __tablename__ = "score_reference"
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)

    track: Mapped[Track] = relationship()


class Score(Base):
    """One metric's score of one system track, over the test set or one of its documents.

    ``document_id`` is None for the whole test set. ``ci``/``mean``/``p_value`` are filled
    when the run had a significance test (p-value against the run's baseline).
    """

    __tablename__ = "score"
    __table_args__ = (Index("ix_score_run_id_system_track_id", "run_id", "system_track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id", ondelete="CASCADE"))
    system_track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))  # bleu, chrf, chrf++, ter
    score: Mapped[float] = mapped_column(Float)
    signature: Mapped[str] = mapped_column(String(500))
    # Segment scores can differ in settings (sentence BLEU uses effective order).
    segment_signature: Mapped[str | None] = mapped_column(String(500))
    mean: Mapped[float | None] = mapped_column(Float)
    ci: Mapped[float | None] = mapped_column(Float)  # half-width of the 95% interval
    p_value: Mapped[float | None] = mapped_column(Float)

    run: Mapped[ScoreRun] = relationship(back_populates="scores")
    system: Mapped[Track] = relationship()


class SegmentScore(Base):
    """A metric's score of one segment's translation, belonging to the test-set-level score."""

    __tablename__ = "segment_score"
    __table_args__ = (UniqueConstraint("score_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("score.id", ondelete="CASCADE"))
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)


class ScoredRevision(Base):
    """A translation revision a score run scored: what a system or reference said then.

    Edits after the run add revisions and leave these, so a report shows the texts that
    were scored and can tell which changed since.
    """

    __tablename__ = "scored_revision"
    __table_args__ = (UniqueConstraint("run_id", "revision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_run.id", ondelete="CASCADE"))
    # Indexed: deleting a translation (and its revisions) looks its scored rows up.
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("translation_revision.id", ondelete="CASCADE"), index=True)


class SearchTerms(Base):
    """The index keys of a memory unit's source: the words the candidate index looks up.

    ``keys`` is the source's word and number keys as 32-bit hashes (little-endian uint32, in
    order; see ``tm.search.normalize``). Rows are only ever appended (a changed unit gets a
    new row), so ``id`` tells a process which rows it has not read yet; AUTOINCREMENT keeps
    SQLite from reusing the id of a deleted last row.
    """

    __tablename__ = "search_terms"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("memory_unit.id", ondelete="CASCADE"), unique=True)
    memory_id: Mapped[int] = mapped_column(Integer)  # the unit's, so lookups filter in memory
    keys: Mapped[bytes] = mapped_column(LargeBinary)


class SearchIndexState(Base):
    """The generation of the search index: a new one tells every process to reload it."""

    __tablename__ = "search_index_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[str] = mapped_column(String(32))


class TermStatus(enum.StrEnum):
    """How a glossary recommends a term: use it, it may do, or never use it."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    FORBIDDEN = "forbidden"


class Glossary(Base):
    """A named terminology collection in one language pair (like a memory, for terms)."""

    __tablename__ = "glossary"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    src_lang: Mapped[str] = mapped_column(LanguageTag())
    tgt_lang: Mapped[str] = mapped_column(LanguageTag())
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    terms: Mapped[list[GlossaryTerm]] = relationship(
        back_populates="glossary", cascade="all, delete-orphan", passive_deletes=True)

    @validates("src_lang", "tgt_lang")
    def _normalize_lang(self, _key: str, value: str) -> str:
        return normalize_lang(value)


class GlossaryTerm(Base):
    """A source term of a glossary, with what a translator needs of it.

    ``targets`` are its English terms in order, each ``{"text", "status"}``: the first
    preferred one is the one to use. ``version`` grows with each change; the revisions keep
    every earlier state.
    """

    __tablename__ = "glossary_term"
    __table_args__ = (Index("ix_glossary_term_glossary_id_source_key", "glossary_id",
                            "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    glossary_id: Mapped[int] = mapped_column(ForeignKey("glossary.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(200))  # folded, for merging on import
    targets: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    part_of_speech: Mapped[str | None] = mapped_column(String(40))
    definition: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    example: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TermStatus] = mapped_column(_enum(TermStatus, "term_status"),
                                               default=TermStatus.PREFERRED)
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_translate: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    glossary: Mapped[Glossary] = relationship(back_populates="terms")
    revisions: Mapped[list[GlossaryTermRevision]] = relationship(
        back_populates="term", order_by="GlossaryTermRevision.number",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def target(self) -> str:
        """The term to use: the first preferred target, else the first."""
        preferred = [t["text"] for t in self.targets if t.get("status") == "preferred"]
        return (preferred or [t["text"] for t in self.targets] or [""])[0]


class GlossaryTermRevision(Base):
    """One state of a glossary term: all its fields as they were, who, when, and why."""

    __tablename__ = "glossary_term_revision"
    __table_args__ = (UniqueConstraint("term_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("glossary_term.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create, edit, import
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int | None] = _author_id()
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    term: Mapped[GlossaryTerm] = relationship(back_populates="revisions")
