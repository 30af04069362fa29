"""Entry point for ``python -m textlens``."""

import sys

from textlens.cli.main import main

sys.exit(main())
