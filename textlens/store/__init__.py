"""Review packs: collect results as annotated cases, keep them in SQLite or PostgreSQL, export and import them."""

from textlens.store.bundle import bundle_json, export_bundle, import_bundle, parse_bundle
from textlens.store.db import DB_ENV, default_path, resolve_url
from textlens.store.errors import (
    BundleError,
    ConflictError,
    DuplicatePackError,
    NotFoundError,
    PermissionDeniedError,
    StoreError,
)
from textlens.store.identity import Identity, Role, RoleConfig, cli_identity, identity_from_claims, local_identity
from textlens.store.store import VERDICTS, Case, Change, Pack, Store, default_author, open_store, provenance_of

__all__ = [
    "DB_ENV",
    "VERDICTS",
    "BundleError",
    "Case",
    "Change",
    "ConflictError",
    "DuplicatePackError",
    "Identity",
    "NotFoundError",
    "Pack",
    "PermissionDeniedError",
    "Role",
    "RoleConfig",
    "Store",
    "StoreError",
    "bundle_json",
    "cli_identity",
    "default_author",
    "default_path",
    "export_bundle",
    "identity_from_claims",
    "import_bundle",
    "local_identity",
    "open_store",
    "parse_bundle",
    "provenance_of",
    "resolve_url",
]
