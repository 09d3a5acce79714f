"""Hand a document to a CAT tool and take it back: XLIFF 1.2/2.0 and OmegaT projects."""
from __future__ import annotations

from tm.handoff.xliff_export import FLAVOURS, XliffExportReport, export_xliff, handoff_units
from tm.handoff.xliff_import import XliffImportReport, import_xliff

__all__ = ["FLAVOURS", "XliffExportReport", "XliffImportReport", "export_xliff",
           "handoff_units", "import_xliff"]
