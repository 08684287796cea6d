"""`habeas serve`: the app under uvicorn, with no access log (URLs can carry names searched for)."""

from __future__ import annotations

import logging

import uvicorn

from habeas.config import Settings
from habeas.web.app import create_app


def serve(settings: Settings, passphrase: str | None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app until interrupted; our own log line per request names only the route."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(settings, passphrase)
    uvicorn.run(app, host=host, port=port, access_log=False, proxy_headers=False, server_header=False)
