"""The corpus engine, local and on Ray."""
