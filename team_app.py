"""The team server's entry, which ``textlens serve`` runs: the dashboard as an ASGI app (``st.App``).

Its sign-in settings come from the environment and stay in memory (no secrets file), ``/_stcore/metrics`` is
closed, and an uncaught error shows a short message with an error id (the traceback goes to the server's log).
"""

import streamlit as st

from components import team_server

app = st.App(
    team_server.dashboard(),
    secrets=team_server.secrets_from_env(),
    middleware=team_server.middleware(),
    on_script_error=team_server.show_error,
)
