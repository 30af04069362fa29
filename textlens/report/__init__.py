"""Escaped-HTML builders every export needs: palette, legend, highlighted text, reports (incl. the review pack)."""
