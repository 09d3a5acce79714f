"""Translation memories: named collections of units, TMX import and export."""
from __future__ import annotations

from tm.memory.memories import (
    DEFAULT_MEMORY,
    MemorySummary,
    get_memory,
    get_or_create_memory,
    list_memories,
)
from tm.memory.tmx_export import TmxExportReport, export_document, export_memory
from tm.memory.tmx_import import TmxImportReport, import_tmx

__all__ = ["DEFAULT_MEMORY", "MemorySummary", "TmxExportReport", "TmxImportReport",
           "export_document", "export_memory", "get_memory", "get_or_create_memory",
           "import_tmx", "list_memories"]
