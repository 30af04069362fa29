"""The e2e server log reader: the app's errors are found, Streamlit's closing-tab race is not one of them."""

from __future__ import annotations

from tests.e2e.conftest import SERVER_NOISE, error_blocks

LOG = """  You can now view your Streamlit app in your browser.
ERROR starlette: Exception in ASGI application (Traceback (most recent call last):
  File "starlette/websockets.py", line 1
    raise WebSocketDisconnect(1000)
starlette.websockets.WebSocketDisconnect: 1000

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "streamlit/web/server/starlette/starlette_websocket.py", line 524, in _websocket_endpoint
    await websocket.close()
starlette.websockets.WebSocketDisconnected: Cannot call "send" once a close message has been sent.)
Stopping...
Traceback (most recent call last):
  File "app_pages/explain.py", line 3, in render
ValueError: boom
KeyError in a log line
"""


def test_chained_traceback_is_one_block_and_the_apps_errors_stay():
    blocks = error_blocks(LOG)
    assert len(blocks) == 3
    assert blocks[0].startswith("ERROR starlette") and blocks[0].endswith("has been sent.)")
    assert blocks[1].endswith("ValueError: boom")
    assert blocks[2] == "KeyError in a log line"
    kept = [b for b in blocks if not any(noise in b for noise in SERVER_NOISE)]
    assert kept == blocks[1:]
