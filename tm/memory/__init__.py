"""Translation memories: named collections of units, TMX import and export.

The names below are imported from their modules on first use: listing memories, or
keeping a memory in step with a translation (``tm.memory.flow``), does not load the TMX
reader and writer (``sverka memories`` starts without lxml or numpy).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tm.lazy import lazy_exports

if TYPE_CHECKING:
    from tm.memory.memories import (
        DEFAULT_MEMORY,
        MemorySummary,
        get_memory,
        get_or_create_memory,
        list_memories,
    )
    from tm.memory.tmx_export import TmxExportReport, export_document, export_memory
    from tm.memory.tmx_import import TmxImportReport, import_tmx

_EXPORTS = {
    **dict.fromkeys(["DEFAULT_MEMORY", "MemorySummary", "get_memory", "get_or_create_memory",
                     "list_memories"], "tm.memory.memories"),
    **dict.fromkeys(["TmxExportReport", "export_document", "export_memory"],
                    "tm.memory.tmx_export"),
    **dict.fromkeys(["TmxImportReport", "import_tmx"], "tm.memory.tmx_import"),
}

__all__ = ["DEFAULT_MEMORY", "MemorySummary", "TmxExportReport", "TmxImportReport",
           "export_document", "export_memory", "get_memory", "get_or_create_memory",
           "import_tmx", "list_memories"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
