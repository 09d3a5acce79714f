"""Real CAT-tool clients read Sverka's TMX: OmegaT 3.6 pre-translates from it and its own
export comes back; translate-toolkit reads the same units and texts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.components import OMEGAT_JAR, require_module, require_path, require_program, shared
from tests.conftest import SEED, import_seed
from tm.formats.tmx import read_tmx
from tm.ingest import read_article
from tm.memory import export_document, import_tmx
from tm.models import MemoryUnit

OMEGAT_TIMEOUT_S = 300


def _seed_tmx(session: Session, tmp_path: Path) -> Path:
    document = import_seed(session).document
    out = tmp_path / "seed.tmx"
    export_document(session, out, document_id=document.id, include_boilerplate=True)
    return out


def _pairs(path: Path) -> list[tuple[str, str]]:
    return [(u.variants[0].text, u.variants[1].text) for u in read_tmx(path).units()]


@pytest.mark.slow
def test_omegat_pretranslates_every_sentence_and_its_export_comes_back(
        session: Session, tmp_path: Path) -> None:
    require_program("java")
    require_path(OMEGAT_JAR, "OmegaT")
    script = shared("clients", "omegat_roundtrip.sh")
    tmx = _seed_tmx(session, tmp_path)
    # OmegaT's text filter takes a paragraph to end at a blank line; the article has one
    # paragraph a line, so it is given to OmegaT with blank lines between them.
    source = tmp_path / "seed.txt"
    source.write_text("\n\n".join(read_article(SEED / "ru.txt").paragraphs) + "\n",
                      encoding="utf-8")
    done = subprocess.run(["bash", str(script), str(tmx), str(source)], capture_output=True,
                          text=True, timeout=OMEGAT_TIMEOUT_S,
                          env={**os.environ, "WORK_DIR": str(tmp_path / "omegat"),
                               "LIST_SEGMENTS": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["segments"] > 15
    assert result["translated_from_tmx"] == result["segments"], result.get("untranslated")

    report = import_tmx(session, Path(result["omegat_tmx"]), memory="from-omegat")
    assert report.read == result["exported_tus"] and report.imported == report.read
    back = {(u.source, u.target) for u in session.scalars(select(MemoryUnit))}
    assert back <= set(_pairs(tmx)) and len(back) == result["exported_tus"]


def test_translate_toolkit_reads_the_same_units(session: Session, tmp_path: Path) -> None:
    require_module("translate")
    require_program("xmllint")
    checker = shared("clients", "ttk_tmx_check.py")
    tmx = _seed_tmx(session, tmp_path)
    done = subprocess.run([sys.executable, str(checker), str(tmx), "--srclang", "ru",
                           "--tgtlang", "en", "-n", "1000", "--json",
                           "--dtd", str(shared("tmx", "tmx14.dtd"))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["dtd_valid"] is True
    assert [tuple(p) for p in report["pairs"]] == _pairs(tmx)
    assert report["units_without_source"] == report["units_without_target"] == 0
