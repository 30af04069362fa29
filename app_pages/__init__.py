"""The dashboard's pages: one module per page, each exposing render() (run by st.navigation, never imported)."""
