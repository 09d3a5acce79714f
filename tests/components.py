"""Real external components (xmllint, OmegaT, translate-toolkit, Chromium): required in CI."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


def _missing(what: str) -> None:
    message = f"{what} is not available"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must install it (.ci/run)")
    pytest.skip(message)


def require_program(name: str) -> str:
    """Return the path of program ``name``; fail in CI, skip elsewhere, when it is missing."""
    path = shutil.which(name)
    if path is None:
        _missing(f"the program {name!r}")
    return str(path)


def require_module(name: str) -> None:
    """Fail in CI, skip elsewhere, when Python module ``name`` cannot be imported."""
    if importlib.util.find_spec(name) is None:
        _missing(f"the Python module {name!r}")


def require_path(path: Path, what: str) -> Path:
    """Return ``path``; fail in CI, skip elsewhere, when it does not exist."""
    if not path.exists():
        _missing(f"{what} ({path})")
    return path


def shared(*parts: str) -> Path:
    """Return a path under ../shared (evaluation data), required in CI."""
    return require_path(SHARED.joinpath(*parts), "the shared evaluation data")


REDIS_URL_ENV = "SVERKA_TEST_REDIS_URL"
REDIS_URL = "redis://127.0.0.1:6379/0"


def require_redis() -> str:
    """Return the URL of a Redis server that answers; fail in CI, skip elsewhere, if none."""
    import os

    import redis

    url = os.environ.get(REDIS_URL_ENV, REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        _missing(f"a Redis server at {url}")
    return url
