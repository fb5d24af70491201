"""The supervisor's pages (filled in below)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")
