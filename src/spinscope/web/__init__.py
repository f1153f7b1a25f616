"""The web app and HTTP API (``spinscope serve``). Build an app with ``create_app(WebSettings(...))``."""

from __future__ import annotations

from spinscope.web.app import create_app, create_app_from_env
from spinscope.web.settings import WebSettings

__all__ = ["WebSettings", "create_app", "create_app_from_env"]
