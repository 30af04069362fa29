"""The dashboard's builders: figures and page HTML."""
