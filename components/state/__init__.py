"""The dashboard's session state and caches: one module per room, and the core they share."""
