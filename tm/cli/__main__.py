"""``python -m tm.cli`` runs the ``sverka`` command line."""
from __future__ import annotations

from tm.cli import main

main()
