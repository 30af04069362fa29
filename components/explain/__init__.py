"""The Explain page's room: its live refinement and its Trust and What-if tabs (its state: components/state/explain)."""
