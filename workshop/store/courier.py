"""/store/jobs/<id>/dispatch: a courier order handed to the carrier, with its tracking number.

The engine's ``dispatch`` event moves the whole set (every job of the order) at once and its
guard refuses while a piece of the set is not ready yet; that refusal is shown in the form, with
what the clerk typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from jobs.types import State
from workshop.models import Delivery
from workshop.store import desk, forms
from workshop.store.routes import _job, _me, bp
from workshop.web.guard import station_required
from workshop.web.session import ActionRefused, db, fire_from_form

__all__ = ["dispatch"]


@bp.route("/jobs/<int:job_id>/dispatch", methods=["GET", "POST"])
@station_required("store")
def dispatch(job_id: int):  # type: ignore[no-untyped-def]
    found = _job(job_id)
    if found.order.delivery != Delivery.COURIER:
        abort(404, description=_("The customer collects this order at the store."))
    if request.method == "GET":
        return _form(found, {}, {})
    try:
        data = forms.dispatch(request.form)
        fire_from_form(job_id, "dispatch", data)
    except forms.FormErrors as exc:
        return _form(found, request.form, exc.errors, status=422)
    except ActionRefused as exc:
        cookie_session.pop("_flashes", None)  # said once, in the form
        return _form(found, request.form, {}, refused=exc.message, status=exc.status)
    flash(_("Dispatched: order %(ref)s with %(carrier)s, tracking no. %(number)s.",
            ref=found.order.platform_ref, carrier=data["carrier"],
            number=data["tracking_no"]), "success")
    return redirect(url_for("store.order", order_id=found.order.id))


def _form(found: desk.DeskJob, values: Any, errors: dict[str, str], *,
          refused: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    db().refresh(found.job)
    jobs = desk.order_jobs(db(), _me(), found.order.id)
    waiting = [d for d in jobs if d.job.state not in
               (State.READY_FOR_DISPATCH, State.CANCELLED, State.RETURNED)]
    return render_template("store/dispatch.html", d=found, jobs=jobs, waiting=waiting,
                           values=values, errors=errors, refused=refused,
                           carriers=forms.CARRIERS), status
