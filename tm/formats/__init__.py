"""Exchange formats, one module (or package) per format."""
from __future__ import annotations
