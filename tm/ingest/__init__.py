"""Article ingestion: read text or HTML, recognise its structure, store and align it."""
from __future__ import annotations

from tm.ingest.importer import (
    ImportResult,
    TranslationInput,
    add_aligned_translation,
    create_document,
    import_article,
)
from tm.ingest.readers import Article, read_article, read_article_bytes

__all__ = ["Article", "ImportResult", "TranslationInput", "add_aligned_translation",
           "create_document", "import_article", "read_article", "read_article_bytes"]
