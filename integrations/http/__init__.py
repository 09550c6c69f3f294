"""The HTTP adapter: ``create_app`` (FastAPI, chat page at ``/``) and ``serve`` (uvicorn), for ``qa serve``."""

from integrations.http.app import create_app

__all__ = ["create_app"]
