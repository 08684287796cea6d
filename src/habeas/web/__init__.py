"""The web application (FastAPI + Jinja2): pages that work without JavaScript, and a JSON API."""

from __future__ import annotations

from habeas.web.app import create_app

__all__ = ["create_app"]
