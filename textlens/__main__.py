"""Entry point for ``python -m textlens``."""

import sys

from .cli import main

sys.exit(main())
