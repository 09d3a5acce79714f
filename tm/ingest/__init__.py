"""Article ingestion: read text or HTML, recognise its structure, store and align it.

The names below are imported from their modules on first use: a reader of bytes
(``tm.ingest.decode`` for ``sverka segment``) does not load the importer, which brings the
aligner, the translations and, through the memory, the search index (numpy, rapidfuzz).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tm.lazy import lazy_exports

if TYPE_CHECKING:
    from tm.ingest.importer import (
        ImportResult,
        TranslationInput,
        add_aligned_translation,
        create_document,
        import_article,
    )
    from tm.ingest.readers import Article, read_article, read_article_bytes

_EXPORTS = {
    **dict.fromkeys(["ImportResult", "TranslationInput", "add_aligned_translation",
                     "create_document", "import_article"], "tm.ingest.importer"),
    **dict.fromkeys(["Article", "read_article", "read_article_bytes"], "tm.ingest.readers"),
}

__all__ = ["Article", "ImportResult", "TranslationInput", "add_aligned_translation",
           "create_document", "import_article", "read_article", "read_article_bytes"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
