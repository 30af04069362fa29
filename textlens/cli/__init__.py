"""The command line: ``textlens`` (``python -m textlens``) and one module per command group."""
