"""Labelled sets: the reader, labels, metrics, slices."""
