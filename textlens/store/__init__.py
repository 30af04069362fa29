"""Review packs: collect results as annotated cases, keep them in SQLite or PostgreSQL, export and import them."""

from textlens.store.bundle import bundle_json, export_bundle, import_bundle, parse_bundle
from textlens.store.db import DB_ENV, default_path, resolve_url
from textlens.store.errors import BundleError, ConflictError, DuplicatePackError, NotFoundError, StoreError
from textlens.store.store import VERDICTS, Case, Pack, Store, default_author, open_store, provenance_of

__all__ = [
    "DB_ENV",
    "VERDICTS",
    "BundleError",
    "Case",
    "ConflictError",
    "DuplicatePackError",
    "NotFoundError",
    "Pack",
    "Store",
    "StoreError",
    "bundle_json",
    "default_author",
    "default_path",
    "export_bundle",
    "import_bundle",
    "open_store",
    "parse_bundle",
    "provenance_of",
    "resolve_url",
]
