"""The textlens version: one place, read by the package, the provenance records and pyproject.toml."""

__version__ = "0.1.0"
