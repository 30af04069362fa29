"""The review-pack store on SQLite and PostgreSQL."""
