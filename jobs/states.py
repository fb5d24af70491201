"""THE table of the workflow: every state a job can be in and every event that moves it.

Each row says which states the event leaves, where it goes (None: the action decides), which
roles may fire it, the guard, the in-transaction action, the payload and the side effects
written to the outbox. The engine (jobs/engine.py) is the only code that sets ``Job.state``, and
it only ever does so by looking a row up here. Admin may fire every event a person may fire;
``system`` events are fired by the engine itself or by workers.

Events without a state change (approve_program, pause, resume, progress) are recorded in the
timeline like any other.
"""

from __future__ import annotations

from jobs import placement, rules
from jobs.types import (
    ACTIVE,
    ADMIN,
    ARTISAN,
    CNC_OPERATOR,
    PLATFORM,
    PRE_CARVING,
    STORE_CLERK,
    SUPERVISOR,
    SYSTEM,
    Field,
    State,
    Transition,
)

__all__ = ["AUTO_FOLLOW", "COMMON_FIELDS", "TRANSITIONS", "State", "Transition", "by_event"]

S = State


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


_ADMIN_SUP = (ADMIN, SUPERVISOR)
_HANDS = (ADMIN, SUPERVISOR, CNC_OPERATOR, ARTISAN)
_REASON = Field("reason", required=True)
# every event may carry a free-text note for the timeline
COMMON_FIELDS = (Field("note"),)

TRANSITIONS: tuple[Transition, ...] = (
    # ---- receipt and routing
    Transition(
        "receive", frozenset({S.AWAITING_PIECE}), None, _roles(ADMIN, SUPERVISOR, STORE_CLERK),
        guard=rules.check_receipt, action=rules.receive, effects=("notify:receipt",),
        payload=(Field("channel", required=True, choices=("store_counter", "courier")),
                 Field("carrier"), Field("tracking_no"), Field("received_by"),
                 Field("mass_g", "decimal", required=True), Field("condition")),
        description="the stone arrives; weighed against its certificate"),
    Transition(
        "route", frozenset({S.RECEIVED}), None, _roles(SYSTEM), action=rules.route,
        effects=("generate_program",), description="machine: program; hand: a work ticket"),
    Transition(
        "program_ready", frozenset({S.TOOLPATH_PENDING}), S.TOOLPATH_READY, _roles(SYSTEM),
        action=rules.clear_review, payload=(Field("machine_profile"), Field("tool")),
        effects=("simulate_program",), description="G-code, DXF, preview and report stored"),
    Transition(
        "program_failed", frozenset({S.TOOLPATH_PENDING}), S.NEEDS_REVIEW, _roles(SYSTEM),
        payload=(_REASON,), action=rules.program_failed,
        description="the CAM refused the design or the task failed for good"),
    Transition(
        "approve_program", frozenset({S.TOOLPATH_READY}), S.TOOLPATH_READY,
        _roles(ADMIN, SUPERVISOR, CNC_OPERATOR), guard=rules.check_simulation,
        description="the program was checked; its cut simulation must have passed"),
    Transition(
        "retry_program", frozenset({S.NEEDS_REVIEW}), S.TOOLPATH_PENDING, _roles(*_ADMIN_SUP),
        guard=rules.check_machine_route, action=rules.clear_review,
        effects=("generate_program",), description="review decision: generate again"),
    Transition(
        "set_placement", frozenset({S.TOOLPATH_READY, S.NEEDS_REVIEW, S.SCHEDULED}),
        S.TOOLPATH_PENDING, _roles(ADMIN, SUPERVISOR, CNC_OPERATOR),
        guard=placement.check_set_placement, action=placement.set_placement,
        payload=(Field("mode", required=True, choices=placement.MODES), Field("scale"),
                 Field("rotation_deg"), Field("offset_x"), Field("offset_y"), Field("face"),
                 _REASON),
        effects=("generate_program",),
        description="the design placed again on the piece (checked on the face); new program"),
    Transition(
        "reroute", PRE_CARVING - {S.AWAITING_PIECE, S.RECEIVED}, None, _roles(*_ADMIN_SUP),
        payload=(Field("route", required=True, choices=("machine", "hand")),),
        action=rules.reroute, effects=("generate_program",),
        description="machine <-> hand, from review or before carving"),
    # ---- assignment and carving
    Transition(
        "assign", frozenset({S.TOOLPATH_READY, S.TICKET_OPEN, S.SCHEDULED}), S.SCHEDULED,
        _roles(ADMIN, SUPERVISOR, ARTISAN), guard=rules.check_assign, action=rules.assign,
        payload=(Field("machine_id", "int", minimum=1), Field("artisan_id", "int", minimum=1)),
        description="a machine (fit-checked) or an artisan takes the job"),
    Transition(
        "start", frozenset({S.SCHEDULED, S.REWORK}), S.CARVING, _roles(*_HANDS),
        guard=rules.check_start, effects=("notify:carving_started",),
        description="the stone goes to the machine or the bench; the first start needs a "
                    "paid order"),
    Transition("pause", frozenset({S.CARVING}), S.CARVING, _roles(*_HANDS),
               guard=rules.check_hands),
    Transition("resume", frozenset({S.CARVING}), S.CARVING, _roles(*_HANDS),
               guard=rules.check_hands),
    Transition(
        "fault", frozenset({S.CARVING}), S.ON_HOLD, _roles(ADMIN, SUPERVISOR, CNC_OPERATOR),
        guard=rules.check_machine_fault, action=rules.hold, payload=(_REASON,),
        description="the machine stopped on a fault: held mid-cut until a supervisor releases"),
    Transition(
        "progress", frozenset({S.CARVING}), S.CARVING, _roles(*_HANDS), guard=rules.check_hands,
        payload=(Field("pct", "int", required=True, minimum=0, maximum=100),),
        action=rules.progress, description="an artisan's progress, in percent"),
    Transition("finish", frozenset({S.CARVING}), S.CARVED, _roles(*_HANDS),
               guard=rules.check_hands),
    Transition("submit_qc", frozenset({S.CARVED}), S.QC, _roles(*_HANDS),
               guard=rules.check_hands, description="hand-over to quality control"),
    # ---- quality control and the certificate
    Transition(
        "qc_pass", frozenset({S.QC}), S.CERTIFICATE_REISSUED, _roles(*_ADMIN_SUP),
        action=rules.reissue_certificate, effects=("render_certificate_pdf",),
        payload=(Field("mass_after_g", "decimal"),),
        description="passes QC; a new certificate version supersedes the current one"),
    Transition(
        "qc_fail", frozenset({S.QC}), S.REWORK, _roles(*_ADMIN_SUP), payload=(_REASON,),
        action=rules.qc_fail, description="back to the bench; the rework count goes up"),
    Transition(
        "mark_ready", frozenset({S.CERTIFICATE_REISSUED}), S.READY_FOR_DISPATCH, _roles(SYSTEM),
        description="packed with its new certificate"),
    # ---- dispatch and pickup (a set moves together)
    Transition(
        "dispatch", frozenset({S.READY_FOR_DISPATCH}), S.DISPATCHED,
        _roles(ADMIN, SUPERVISOR, STORE_CLERK), guard=rules.check_courier, action=rules.dispatch,
        payload=(Field("carrier", required=True), Field("tracking_no", required=True)),
        effects=("notify:dispatched",), cascade=True, description="handed to the courier"),
    Transition(
        "deliver", frozenset({S.DISPATCHED}), S.DELIVERED,
        _roles(ADMIN, SUPERVISOR, STORE_CLERK, PLATFORM, SYSTEM), cascade=True,
        description="the carrier reports delivery"),
    Transition(
        "ready_for_pickup", frozenset({S.READY_FOR_DISPATCH}), S.AWAITING_PICKUP,
        _roles(ADMIN, SUPERVISOR, STORE_CLERK), guard=rules.check_pickup,
        action=rules.issue_pickup_code, effects=("notify:ready_for_pickup",), cascade=True,
        description="at the original store; a one-time pickup code is issued"),
    Transition(
        "collect", frozenset({S.AWAITING_PICKUP}), S.COLLECTED,
        _roles(ADMIN, SUPERVISOR, STORE_CLERK), guard=rules.check_pickup_code, cascade=True,
        payload=(Field("code", required=True, max_length=32),),
        description="the customer shows the pickup code"),
    Transition(
        "lock_pickup", frozenset({S.AWAITING_PICKUP}), S.ON_HOLD, _roles(SYSTEM),
        payload=(_REASON,), action=rules.hold, cascade=True,
        description="too many wrong pickup codes"),
    # ---- holds, review, the end of a job that is not carved
    Transition("hold", ACTIVE, S.ON_HOLD, _roles(*_ADMIN_SUP), payload=(_REASON,),
               action=rules.hold),
    Transition("release", frozenset({S.ON_HOLD}), None, _roles(*_ADMIN_SUP),
               action=rules.release, effects=("generate_program",),
               description="back where the hold found it"),
    Transition(
        "cancel", PRE_CARVING | {S.ON_HOLD}, S.CANCELLED, _roles(*_ADMIN_SUP),
        payload=(_REASON,), guard=rules.check_uncarved, action=rules.end_work,
        description="before carving starts"),
    Transition(
        "return_uncarved", (PRE_CARVING - {S.AWAITING_PIECE}) | {S.ON_HOLD}, S.RETURNED,
        _roles(*_ADMIN_SUP), payload=(_REASON,), guard=rules.check_uncarved,
        action=rules.end_work, description="the stone goes back to the customer uncut"),
)

# after landing in these states the engine fires the next event itself, as the system,
# in the same transaction
AUTO_FOLLOW: dict[State, str] = {
    S.RECEIVED: "route",
    S.CERTIFICATE_REISSUED: "mark_ready",
}

_BY_EVENT = {t.event: t for t in TRANSITIONS}
assert len(_BY_EVENT) == len(TRANSITIONS), "one row per event"


def by_event(event: str) -> Transition | None:
    return _BY_EVENT.get(event)
