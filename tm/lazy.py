"""Lazy re-exports for package ``__init__`` modules (PEP 562).

A package that re-exports the names of its modules makes every import of one of its
modules import all of them. With ``__getattr__ = lazy_exports(__name__, {...})`` each name
is imported from its module on first use, so ``sverka memories`` does not load the TMX
reader, nor ``sverka segment`` the importer (``bench/startup.py``).
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` importing each name from its module in ``exports``."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # the next lookup finds it directly
        return value

    return __getattr__
