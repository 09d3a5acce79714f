"""Property-based fuzzing: arbitrary bytes and mutated real files never raise anything but
Sverka's own error, never hang, and a refused import never changes the database.

A fixed, derandomized budget keeps CI repeatable and adds about 30 s; ``bench/fuzz.py``
runs the same targets for longer with fresh randomness.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from tests import fuzzing
from tests.tmx_samples import tmx, tu
from tm.memory import import_tmx

# Per target: enough examples to reach every seed and mutation kind many times over.
CI = settings(max_examples=500, deadline=dt.timedelta(seconds=fuzzing.PER_INPUT_SECONDS),
              derandomize=True, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

pytestmark = pytest.mark.slow


@CI
@given(fuzzing.tmx_inputs())
def test_tmx_reader_raises_only_sverka_errors(data: bytes) -> None:
    fuzzing.read_tmx_bytes(data)


@settings(CI, max_examples=400)
@given(fuzzing.article_inputs())
def test_article_decoder_raises_only_sverka_errors(case: tuple[bytes, str]) -> None:
    fuzzing.read_article(*case)


@settings(CI, max_examples=600)
@given(fuzzing.texts())
def test_segmenter_gives_exact_spans_for_any_text(text: str) -> None:
    fuzzing.segment(text)


@settings(CI, max_examples=300,
          suppress_health_check=[*CI.suppress_health_check, HealthCheck.function_scoped_fixture])
@given(data=fuzzing.mutated(fuzzing.TMX_SEEDS))
def test_a_refused_import_changes_nothing_in_the_database(session: Session,
                                                          data: bytes) -> None:
    if not fuzzing.counts(session)[0]:  # one memory with units, there before every example
        import_tmx(session, _seed_file(), memory="fuzz")
        session.flush()
    fuzzing.import_refused_changes_nothing(session, data)


def _seed_file() -> Path:
    path = Path(tempfile.mkdtemp()) / "seed.tmx"
    path.write_text(tmx(tu("Один.", "One.") + tu("Два.", "Two.")), encoding="utf-8")
    return path
