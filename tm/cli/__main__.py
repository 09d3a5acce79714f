"""``python -m tm.cli`` runs the ``sverka`` command line."""
from __future__ import annotations

from tm.cli import main

if __name__ == "__main__":  # not when a spawned worker process imports it
    main()
