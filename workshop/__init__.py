"""The workshop application: models and session, Flask app factory, stations, JSON API, auth."""

from workshop.app import create_app

__all__ = ["create_app"]
