"""Named errors of the workflow and the CAM map to HTTP in one place, with the reason."""

from __future__ import annotations

import pytest

from cam.errors import DesignError, PlacementError
from jobs import errors as je


@pytest.mark.parametrize("exc, status, code", [
    (je.JobNotFound("no job 7", job_id=7), 404, "not_found"),
    (je.IllegalTransition("finish is not possible while the job is qc"), 409,
     "illegal_transition"),
    (je.StaleVersion("job 7 is at version 3, not 2", version=3), 409, "stale_version"),
    (je.GuardFailed("the set leaves together"), 409, "guard_failed"),
    (je.PickupCodeRejected("wrong pickup code", attempts_left=2), 409, "pickup_code_rejected"),
    (je.OrderConflict("order R was already received with a different body"), 409,
     "order_conflict"),
    (je.PieceConflict("certificate N is already registered"), 409, "piece_conflict"),
    (je.NotAllowed("role artisan may not fire qc_pass"), 403, "forbidden"),
    (je.InvalidPayload("invalid data for hold: reason required",
                       fields={"reason": "required"}), 422, "invalid"),
    (DesignError("the design has no visible path"), 422, "cam_refused"),
    (PlacementError("the design does not fit the face"), 422, "cam_refused"),
])
def test_named_errors_answer_json_with_reason(app, exc, status, code):
    def boom():  # type: ignore[no-untyped-def]
        raise exc

    app.add_url_rule("/api/v1/_raise", "raise_for_test", boom)
    r = app.test_client().get("/api/v1/_raise")
    assert r.status_code == status
    body = r.get_json()
    assert body["error"] == code and body["message"] == str(exc)
    assert body.get("details", {}) == (getattr(exc, "details", None) or {})


def test_unexpected_error_is_500_without_internals(app):
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("password=hunter2 at db host 10.0.0.3")

    app.add_url_rule("/api/v1/_crash", "crash_for_test", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = app.test_client().get("/api/v1/_crash")
    assert r.status_code == 500 and r.get_json()["error"] == "internal_error"
    assert "hunter2" not in r.get_data(as_text=True)


def test_unknown_route_and_wrong_method_are_json(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    r = client.delete("/api/v1/jobs")
    assert r.status_code == 405 and "message" in r.get_json()
