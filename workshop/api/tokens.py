"""POST /tokens: a staff member trades username and password for a new API token.

The token is shown once and replaces the member's previous one. Wrong credentials answer the
same 401 whether the user exists or not, and are counted on the user (``failed_logins``) so a
guessing attack is visible to the admin.
"""

from __future__ import annotations

from sqlalchemy import select

from workshop import auth
from workshop.api.base import body, bp, db
from workshop.errors import Unauthorized
from workshop.models import User


@bp.post("/tokens")
def issue_token():  # type: ignore[no-untyped-def]
    data = body("TokenRequest")
    session = db()
    user = session.scalar(select(User).where(User.username == data["username"]))
    if user is None or not user.active or not auth.check_password(user, data["password"]):
        if user is not None:
            user.failed_logins += 1
            session.commit()
        raise Unauthorized("username or password not recognised")
    token = auth.issue_staff_token(user)
    user.failed_logins = 0
    session.commit()
    return {"token": token, "username": user.username, "role": user.role}, 201
