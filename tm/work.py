"""What each kind of job does, from what its row was given (:class:`tm.queue.JobRun`).

A job's params are plain JSON, made by the command or page that started it with the
``*_params`` functions here, so any worker can run it, and run it again after a crash,
from the row alone (and, for an upload, the file in the spool). Each work function works in
the session it is given and never commits: the queue ends the job done in the same
transaction, so the work and its being done are stored together or not at all.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tm.accounts import record_event
from tm.ingest import Article, TranslationInput, import_article
from tm.messages import to_stored
from tm.models import AuditAction, Origin, User
from tm.queue import JobRun, Work, result_folder

IMPORT_ARTICLE = "import-article"
IMPORT_TMX = "import-tmx"
EXPORT_MEMORY = "export-memory"
PRETRANSLATE = "pretranslate"
SCORE_TESTSET = "score-testset"
REINDEX = "reindex"
# The stages a scoring job and a re-indexing name (neither tells how far it is inside).
STAGE_SCORE = "score"
STAGE_REINDEX = "reindex"
# The upload's name in the job's spool folder.
TMX_UPLOAD = "upload.tmx"
# The name of an export's file in its job's result folder.
EXPORT_FILE = "export.tmx"


def _owner(session: Session, run: JobRun) -> User | None:
    """Return the user who started ``run``'s job (None: a command without a login)."""
    return session.get(User, run.owner_id) if run.owner_id is not None else None


def article_params(article: Article) -> dict[str, Any]:
    """Return ``article`` as job params (JSON), to be read back by :func:`article_from_params`."""
    return {"paragraphs": list(article.paragraphs), "source_name": article.source_name,
            "source_format": article.source_format, "title": article.title,
            "url": article.url,
            "published_on": article.published_on.isoformat() if article.published_on
            else None}


def article_from_params(params: dict[str, Any]) -> Article:
    """Return the article that :func:`article_params` wrote."""
    published = params.get("published_on")
    return Article(paragraphs=tuple(params["paragraphs"]), source_name=params["source_name"],
                   source_format=params["source_format"], title=params.get("title"),
                   url=params.get("url"),
                   published_on=dt.date.fromisoformat(published) if published else None)


def import_article_params(source: Article, translation: Article | None, *, track: str,
                          origin: Origin, title: str | None, url: str | None,
                          published_on: dt.date | None, address: str | None = None,
                          actor: str | None = None, author_name: str | None = None,
                          languages: tuple[str, str] | None = None, strict: bool = False,
                          shown: dict[str, Any] | None = None) -> dict[str, Any]:
    """The params of an article import; ``shown`` is what a page shows while it runs.

    ``author_name`` is who made the translation when the job's owner did not (a command's
    ``--author``); ``actor`` who started it when no user did (``cli:NAME``).
    """
    return {"source": article_params(source),
            "translation": article_params(translation) if translation else None,
            "track": track, "origin": origin.value, "title": title, "url": url,
            "published_on": published_on.isoformat() if published_on else None,
            "address": address, "actor": actor, "author_name": author_name,
            "languages": list(languages) if languages else None, "strict": strict,
            **(shown or {})}


def run_import_article(session: Session, run: JobRun) -> dict[str, Any]:
    """Import the article (and its translation) of ``run`` as one new document."""
    params = run.params
    user = _owner(session, run)
    translation = params.get("translation")
    translations = [TranslationInput(
        article=article_from_params(translation), track=params["track"],
        origin=Origin(params["origin"]), author=user or params.get("author_name"))
    ] if translation else []
    published = params.get("published_on")
    languages = dict(zip(("src_lang", "tgt_lang"), params["languages"], strict=True)) \
        if params.get("languages") else {}
    result = import_article(
        session, article_from_params(params["source"]), translations=translations,
        title=params.get("title"), url=params.get("url"),
        published_on=dt.date.fromisoformat(published) if published else None,
        author=user, progress=run.report, strict=bool(params.get("strict")), **languages)
    document = result.document
    record_event(session, AuditAction.IMPORT, user=user, actor=params.get("actor"),
                 object_type="document",
                 object_id=document.id, address=params.get("address"),
                 detail={"title": document.title[:200]})
    return {"document_id": document.id, "track": params["track"] if translation else None,
            "warnings": [str(w) for w in result.warnings]}  # stored as JSON: the English


def import_tmx_params(*, memory: str, name: str, src: str | None, tgt: str | None,
                      on_duplicate: str, address: str | None = None,
                      actor: str | None = None) -> dict[str, Any]:
    """The params of a TMX import of the file spooled as :data:`TMX_UPLOAD`."""
    return {"memory": memory, "name": name, "src": src, "tgt": tgt,
            "on_duplicate": on_duplicate, "address": address, "actor": actor}


def run_import_tmx(session: Session, run: JobRun) -> dict[str, Any]:
    """Import the spooled TMX file of ``run`` into its memory; return the import's report."""
    from tm.memory import import_tmx

    params = run.params
    user = _owner(session, run)
    report = import_tmx(session, run.input_path(TMX_UPLOAD), memory=params["memory"],
                        src=params.get("src"), tgt=params.get("tgt"),
                        on_duplicate=params["on_duplicate"], name=params["name"],
                        progress=run.report)
    record_event(session, AuditAction.IMPORT, user=user, actor=params.get("actor"),
                 object_type="memory", object_id=params["memory"],
                 address=params.get("address"),
                 detail={"file": str(params["name"])[:200], "imported": report.imported})
    return {**report.as_dict(), "said": {  # the same, to word in the reader's language
        "warnings": [to_stored(w) for w in report.warnings],
        "skipped": [[to_stored(reason), count] for reason, count in report.skipped.items()]}}


def export_memory_params(*, memory: str, out: str | None, since: dt.datetime | None,
                         actor: str | None = None) -> dict[str, Any]:
    """The params of an export of ``memory`` to the file ``out`` (an absolute path); with
    ``out`` None, to the job's result folder, for its owner to download (:data:`EXPORT_FILE`).
    """
    return {"memory": memory, "out": out, "since": since.isoformat() if since else None,
            "actor": actor}


def run_export_memory(session: Session, run: JobRun) -> dict[str, Any]:
    """Export the memory of ``run`` to its file: written aside, renamed when complete."""
    import os
    from pathlib import Path

    from tm.memory import export_memory

    params = run.params
    if params.get("out"):
        out = Path(params["out"])
    else:  # a download: the worker's own path to the shared spool
        out = result_folder(run.spool_dir, run.job_id) / EXPORT_FILE
        out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{run.job_id}.part")
    since = params.get("since")
    try:
        report = export_memory(session, partial, memory=params["memory"],
                               since=dt.datetime.fromisoformat(since) if since else None,
                               progress=run.report)
        os.replace(partial, out)  # a reader never sees half a file
    finally:
        partial.unlink(missing_ok=True)
    report.file = str(out) if params.get("out") else EXPORT_FILE  # no server path shown
    user = _owner(session, run)
    record_event(session, AuditAction.EXPORT, user=user, actor=params.get("actor"),
                 object_type="memory", object_id=params["memory"],
                 detail={"units": report.units})
    return {**report.as_dict(), "memory": params["memory"]}


def pretranslate_params(*, document_id: int, track: str, min_score: int,
                        memories: list[str] | None, author: str | None,
                        overwrite: bool) -> dict[str, Any]:
    """The params of a pre-translation of a document from the memories."""
    return {"document_id": document_id, "track": track, "min_score": min_score,
            "memories": memories, "author": author, "overwrite": overwrite}


def run_pretranslate(session: Session, run: JobRun) -> dict[str, Any]:
    """Fill the track of ``run``'s document from the memories; return the band analysis."""
    from tm.search.pretranslate import pretranslate

    params = run.params
    user = _owner(session, run)
    report = pretranslate(session, params["document_id"], track=params["track"],
                          min_score=params["min_score"], memories=params.get("memories"),
                          author=user or params.get("author"), overwrite=params["overwrite"],
                          progress=run.report)
    return report.as_dict()


def score_params(*, testset: str, references: list[str], systems: list[str] | None,
                 metrics: list[str], test: str | None, baseline: str | None, seed: int,
                 samples: int | None, jobs: int, per_document: bool) -> dict[str, Any]:
    """The params of scoring a test set's tracks (and their significance) and storing it."""
    return {"testset": testset, "references": references, "systems": systems,
            "metrics": metrics, "test": test, "baseline": baseline, "seed": seed,
            "samples": samples, "jobs": jobs, "per_document": per_document}


def run_score_testset(session: Session, run: JobRun) -> dict[str, Any]:
    """Score and store the tracks of ``run``'s test set; return the rows `score --json` prints."""
    import json

    from tm.scoring.report import score_rows
    from tm.scoring.store import score_testset
    from tm.scoring.testsets import get_testset

    params = run.params
    run.report(STAGE_SCORE, 0, 1)
    report = score_testset(session, get_testset(session, params["testset"]),
                           references=params["references"], systems=params["systems"],
                           metrics=params["metrics"], test=params["test"],
                           baseline=params["baseline"], seed=params["seed"],
                           samples=params["samples"], jobs=params["jobs"])
    rows = score_rows(report.scores, report.paired,
                      documents=report.document_keys if params["per_document"] else None)
    run.report(STAGE_SCORE, 1, 1)
    return {"rows": json.loads(json.dumps(rows, default=str))}


def run_reindex(session: Session, run: JobRun) -> dict[str, Any]:
    """Rebuild the search index of every unit; every process reloads it once committed."""
    from tm.search import reindex

    run.report(STAGE_REINDEX, 0, 1)
    units = reindex(session)
    run.report(STAGE_REINDEX, 1, 1)
    return {"units": units}


WORK: dict[str, Work] = {IMPORT_ARTICLE: run_import_article, IMPORT_TMX: run_import_tmx,
                         EXPORT_MEMORY: run_export_memory, PRETRANSLATE: run_pretranslate,
                         SCORE_TESTSET: run_score_testset, REINDEX: run_reindex}
