"""The OpenAPI 3.1 document of the JSON API, and request validation against the same schemas.

One source of truth: the schemas below are what ``/api/openapi.json`` publishes *and* what every
request body is checked against (:func:`validate`), so the document cannot drift from the
handlers. The route table in :data:`OPERATIONS` is checked by a test against the routes the app
really registers.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from jobs.states import COMMON_FIELDS, TRANSITIONS
from jobs.types import State
from workshop.errors import Invalid
from workshop.models import MACHINE_STATUSES, CarvingMode, Delivery, DesignSource, PieceShape

__all__ = ["OPERATIONS", "SCHEMAS", "build_document", "validate"]

API_PREFIX = "/api/v1"
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
# decimals travel as strings (or integers), never floats: masses and depths are compared exactly
DECIMAL = {"type": ["string", "integer"], "pattern": r"^\d+(\.\d+)?$", "minimum": 0,
           "description": "a non-negative decimal written as a string, e.g. \"12.345\""}
SIGNED = {"type": ["string", "integer"], "pattern": r"^-?\d+(\.\d+)?$"}
TEXT = {"type": "string", "maxLength": 2000}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: tuple[str, ...] = (), *, closed: bool = True,
         **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required:
        schema["required"] = list(required)
    if closed:
        # unknown fields are refused: a typo in a field name must not pass silently
        schema["additionalProperties"] = False
    return schema


def _str(max_length: int = 200, min_length: int = 1, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **extra}


SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _obj({
        "error": {"type": "string", "description": "a stable code: not_found, stale_version, ..."},
        "message": {"type": "string", "description": "the reason, for people"},
        "details": {"type": "object"},
    }, ("error", "message"), closed=False),
    "PieceIn": _obj({
        "certificate_no": _str(64),
        "shape": {"type": "string", "enum": [s.value for s in PieceShape]},
        "material": _str(60, description="name per GB/T 16552, e.g. 和田玉 / 软玉"),
        "mass_g": {**DECIMAL, "description": "mass on the certificate in grams"},
        "dimensions": {"type": "object", "additionalProperties": DECIMAL,
                       "description": "millimetres: outer_diameter_mm, thickness_mm, ..."},
        "carvable_faces": {"type": "array", "items": _str(40), "maxItems": 8},
        "set_code": _str(64, description="pieces cut from one stone share it"),
        "colour": _str(60, 0),
        "lab": _str(200, 0, description="the laboratory that issued the certificate"),
        "store_code": _str(32, description="the store that sold the piece"),
    }, ("certificate_no", "shape", "material", "mass_g"), examples=[{
        "certificate_no": "NGTC-2026-070002", "shape": "bi_disc", "material": "和田玉/软玉",
        "mass_g": "28.150", "dimensions": {"outer_diameter_mm": "50.0", "thickness_mm": "5.0"},
        "set_code": "HT-2026-STONE-07", "lab": "NGTC", "store_code": "SH-NJR"}]),
    "CertificateRef": _obj({
        "number": {"type": "string"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["valid", "superseded", "revoked"]},
        "supersedes": {"type": ["string", "null"]},
        "content": {"type": "object"},
        "issued_at": {"type": "string", "format": "date-time"},
    }, ("number", "version", "status"), closed=False),
    "Piece": _obj({
        "id": {"type": "integer"},
        "certificate_no": {"type": "string"},
        "shape": {"type": "string"},
        "material": {"type": "string"},
        "mass_g": {"type": "string"},
        "dimensions": {"type": "object"},
        "carvable_faces": {"type": "array", "items": {"type": "string"}},
        "set_code": {"type": ["string", "null"]},
        "store_code": {"type": ["string", "null"]},
        "certificates": {"type": "array", "items": _ref("CertificateRef")},
    }, ("id", "certificate_no", "shape", "material", "mass_g"), closed=False),
    "Customer": _obj({
        "name": _str(200, 0), "email": _str(200, 0, format="email"), "phone": _str(40, 0),
    }),
    "DesignIn": _obj({
        "code": _str(64, description="the platform's id for the customer's own design"),
        "svg": _str(2_000_000, description="the SVG document itself"),
        "title": _str(200),
        "source": {"type": "string", "enum": [d.value for d in DesignSource]},
    }, ("code", "svg")),
    "OrderLineIn": _obj({
        "certificate_no": _str(64, description="a piece registered with POST /pieces"),
        "design_code": _str(64, description="a design the workshop has (free, paid, ...)"),
        "design": _ref("DesignIn"),
        "carving_mode": {"type": "string", "enum": [m.value for m in CarvingMode]},
        "face": _str(40),
        "depth_mm": DECIMAL,
        "placement": _obj({"scale": DECIMAL, "rotation_deg": SIGNED, "offset_x": SIGNED,
                           "offset_y": SIGNED}),
        "due_date": {"type": "string", "format": "date"},
        "priority": {"type": "integer", "minimum": -10, "maximum": 10},
    }, ("certificate_no", "carving_mode")),
    "OrderIn": _obj({
        "reference": _str(100, description="the platform's unique order reference"),
        "channel": {"type": "string", "enum": ["api", "store_desk"]},
        "customer": _ref("Customer"),
        "store_code": _str(32, description="the original store; required for pickup"),
        "delivery": {"type": "string", "enum": [d.value for d in Delivery]},
        "delivery_address": {"type": "object"},
        "amount_paid": {**DECIMAL, "description": "in the currency, e.g. \"1280.00\""},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "lines": {"type": "array", "items": _ref("OrderLineIn"), "minItems": 1, "maxItems": 12,
                  "description": "one line per piece; each becomes its own job"},
    }, ("reference", "delivery", "amount_paid", "lines"), examples=[{
        "reference": "TM-2026-000123", "store_code": "SH-NJR", "delivery": "pickup",
        "customer": {"name": "王芳", "email": "wang.fang@example.com"},
        "amount_paid": "2680.00", "currency": "CNY",
        "lines": [{"certificate_no": "NGTC-2026-070002", "carving_mode": "machine",
                   "design_code": "FREE-XIANGYUN"},
                  {"certificate_no": "NGTC-2026-070003", "carving_mode": "hand",
                   "design_code": "FREE-LOTUS"}]}]),
    "JobSummary": _obj({
        "id": {"type": "integer"},
        "order_reference": {"type": "string"},
        "line_no": {"type": "integer"},
        "state": {"type": "string"},
        "route": {"type": "string"},
        "carving_mode": {"type": "string"},
        "version": {"type": "integer"},
        "certificate_no": {"type": "string"},
        "design_code": {"type": ["string", "null"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "priority": {"type": "integer"},
        "rework_count": {"type": "integer"},
        "review_reason": {"type": ["string", "null"]},
        "held_from": {"type": ["string", "null"]},
        "store_code": {"type": ["string", "null"]},
        "updated_at": {"type": "string", "format": "date-time"},
    }, ("id", "state", "route", "version"), closed=False),
    "Event": _obj({
        "seq": {"type": "integer"},
        "event": {"type": "string"},
        "from_state": {"type": ["string", "null"]},
        "to_state": {"type": "string"},
        "actor": {"type": "string"},
        "note": {"type": "string"},
        "data": {"type": "object"},
        "attachments": {"type": "array", "items": SHA256},
        "at": {"type": "string", "format": "date-time"},
    }, ("seq", "event", "to_state", "actor", "at"), closed=False),
    "Artifact": _obj({
        "sha256": SHA256,
        "kind": {"type": "string"},
        "media_type": {"type": "string"},
        "filename": {"type": "string"},
        "size": {"type": "integer"},
        "job_id": {"type": ["integer", "null"]},
        "url": {"type": "string"},
    }, ("sha256", "kind", "media_type", "size"), closed=False),
    "Job": {"allOf": [_ref("JobSummary"), _obj({
        "allowed_events": {"type": "array", "items": {"type": "string"},
                           "description": "the events the caller may fire now"},
        "events": {"type": "array", "items": _ref("Event")},
        "artifacts": {"type": "array", "items": _ref("Artifact")},
        "piece": _ref("Piece"),
        "assignment": {"type": ["object", "null"],
                       "description": "the active machine or artisan assignment"},
        "tracking_token": {"type": "string"},
        "pickup_code": {"type": "string",
                        "description": "only in the answer to ready_for_pickup: shown once"},
    }, ("allowed_events", "events"), closed=False)]},
    "Order": _obj({
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "delivery": {"type": "string"},
        "store_code": {"type": ["string", "null"]},
        "amount_paid": {"type": "string"},
        "currency": {"type": "string"},
        "jobs": {"type": "array", "items": _ref("JobSummary")},
    }, ("id", "reference", "jobs"), closed=False),
    "JobList": _obj({
        "items": {"type": "array", "items": _ref("JobSummary")},
        "total": {"type": "integer"},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    }, ("items", "total", "limit", "offset"), closed=False),
    "EventIn": _obj({
        "event": {"type": "string", "enum": [t.event for t in TRANSITIONS],
                  "description": "one of the job's allowed_events"},
        "version": {"type": "integer", "minimum": 1,
                    "description": "the job version the caller last saw (optimistic lock)"},
        "note": TEXT,
        "data": {"type": "object", "description": "what the event needs (mass_g, carrier, ...)"},
        "attachments": {"type": "array", "items": SHA256, "maxItems": 20,
                        "description": "sha256 of artifacts uploaded with POST /artifacts"},
    }, ("event", "version"), examples=[
        {"event": "receive", "version": 1, "note": "arrived at the counter",
         "data": {"channel": "store_counter", "mass_g": "28.148", "condition": "no cracks"}},
        {"event": "qc_fail", "version": 9, "data": {"reason": "cloud edge too shallow"}}]),
    "TokenRequest": _obj({"username": _str(64), "password": _str(200)},
                         ("username", "password")),
    "Token": _obj({
        "token": {"type": "string", "description": "wst_...: shown once; replaces the old one"},
        "username": {"type": "string"},
        "role": {"type": "string"},
    }, ("token", "username", "role")),
    "ArtifactUpload": _obj({
        "file": {"type": "string", "contentMediaType": "application/octet-stream",
                 "description": "the photo or document"},
        "kind": {"type": "string", "enum": ["photo", "document"]},
        "job_id": {"type": "integer"},
    }, ("file",)),
    "RevokeIn": _obj({"reason": _str(2000)}, ("reason",),
                     examples=[{"reason": "mass after carving recorded wrongly"}]),
    "CertificateStatus": _obj({
        "number": {"type": "string"},
        "status": {"type": "string", "enum": ["valid", "superseded", "revoked"]},
        "superseded_by": {"type": ["string", "null"]},
        "revoked_reason": {"type": ["string", "null"]},
        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
        "revoked_by": {"type": ["string", "null"]},
        "key_id": {"type": ["string", "null"]},
    }, ("number", "status"), closed=False),
    # ---- design library, quotes, payments, royalties --------------------------------------
    "Money": _obj({"amount": {**SIGNED, "type": "string"},
                   "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
                  ("amount", "currency")),
    "QuoteLine": _obj({
        "code": {"type": "string", "enum": ["design", "carving", "return_shipping"]},
        "description": {"type": "string"},
        "amount": {**SIGNED, "type": "string", "description": "exact decimal, e.g. \"360.00\""},
        "currency": {"type": "string"},
    }, ("code", "amount", "currency")),
    "Quote": _obj({
        "certificate_no": {"type": "string"},
        "design_code": {"type": ["string", "null"]},
        "lines": {"type": "array", "items": _ref("QuoteLine")},
        "total": {"type": "string"},
        "currency": {"type": "string"},
        "rounding": {"type": "string"},
    }, ("lines", "total", "currency"), closed=False),
    "ShareIn": _obj({"party_ref": _str(100), "share_pct": {
        **DECIMAL, "description": "per cent; the shares of one version add up to exactly 100"}},
        ("party_ref", "share_pct")),
    "DesignTermsIn": _obj({
        "valid_from": {"type": "string", "format": "date",
                       "description": "uses on or after this day are charged under these terms"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "design_fee": {**DECIMAL, "description": "what a customer pays to use a paid design"},
        "royalty": {**DECIMAL, "description": "per use (or royalty_pct of the design fee)"},
        "royalty_pct": DECIMAL,
        "term_start": {"type": "string", "format": "date"},
        "term_years": {"type": "integer", "minimum": 1, "maximum": 100,
                       "description": "after term_start + term_years the design is free"},
        "hand_hours": {**DECIMAL, "description": "estimated hand-carving hours"},
        "shares": {"type": "array", "items": _ref("ShareIn"), "maxItems": 10},
    }, ("valid_from",)),
    "DesignUpload": _obj({
        "code": _str(64),
        "title": _str(200),
        "svg": _str(2_000_000, description="the SVG; checked by the CAM, refused with the reason"),
        "source": {"type": "string", "enum": [d.value for d in DesignSource]},
        "tags": {"type": "array", "items": _str(40), "maxItems": 20,
                 "description": "wedding, coming-of-age, teacher, ..."},
        "designer": _str(200, 0),
        "suits": {"type": "array", "maxItems": 20, "items": _obj({
            "shape": {"type": "string", "enum": [p.value for p in PieceShape]},
            "faces": {"type": "array", "items": _str(40)},
            "min_size_mm": DECIMAL, "max_size_mm": DECIMAL}, ("shape",)),
            "description": "where the design is offered; none: everywhere"},
        "owners": {"type": "array", "maxItems": 10, "items": _obj({
            "kind": {"type": "string", "enum": ["designer", "customer", "shop"]},
            "name": _str(200), "party_ref": _str(100)}, ("kind", "name", "party_ref"))},
        "terms": _ref("DesignTermsIn"),
        "patent": _obj({"applicants": {"type": "array", "items": _str(200)},
                        "application_no": _str(64, 0), "status": _str(40)}),
    }, ("code", "title", "svg", "source")),
    "Design": _obj({
        "code": {"type": "string"}, "title": {"type": "string"}, "source": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "suits": {"type": "array"}, "owners": {"type": "array"}, "terms": {"type": "array"},
        "patent": {"type": ["object", "null"]},
        "preview_sha256": {"type": ["string", "null"]},
    }, ("code", "title", "source"), closed=False),
    "DesignList": _obj({"items": {"type": "array", "items": _ref("Design")},
                        "total": {"type": "integer"}}, ("items", "total"), closed=False),
    "PaymentEvent": _obj({
        "id": _str(100, description="the platform's unique event id; a replay is refused"),
        "type": {"type": "string", "enum": ["payment.succeeded", "payment.refunded"]},
        "order_reference": _str(100),
        "amount": {**DECIMAL, "description": "exact decimal string, e.g. \"1280.00\""},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    }, ("id", "type", "order_reference", "amount", "currency"), closed=False, examples=[{
        "id": "evt_20261125_0001", "type": "payment.succeeded",
        "order_reference": "TM-2026-000123", "amount": "2680.00", "currency": "CNY"}]),
    # ---- machines and their status ----------------------------------------------------------
    "Machine": _obj({
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "profile": {"type": "string", "description": "machines/data/machines/<profile>.toml"},
        "status": {"type": "string", "enum": list(MACHINE_STATUSES)},
        "accepts_work": {"type": "boolean",
                         "description": "idle or running: jobs may be assigned to it"},
        "since": {"type": ["string", "null"], "format": "date-time",
                  "description": "when the status was set (null: never changed)"},
        "reason": {"type": "string", "description": "why, as recorded with the change"},
        "axes": {"type": ["string", "null"], "description": "XYZ or XYZA (rotary)"},
        "tools_loaded": {"type": "array", "items": _obj({
            "slot": {"type": "integer"}, "name": {"type": "string"}}, ("slot", "name"))},
        "changed": {"type": "boolean",
                    "description": "in the answer to a status change: false when it already was"},
    }, ("id", "code", "status", "since", "reason"), closed=False),
    "MachineList": _obj({"items": {"type": "array", "items": _ref("Machine")}}, ("items",),
                        closed=False),
    "MachineStatusIn": _obj({
        "status": {"type": "string", "enum": list(MACHINE_STATUSES)},
        "reason": _str(2000, 0, description="required for maintenance and fault"),
    }, ("status",), examples=[
        {"status": "maintenance", "reason": "spindle bearings replaced, back on Friday"},
        {"status": "idle", "reason": "bit replaced, test cut fine"}]),
    "MachineEvent": _obj({
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string"},
        "from_status": {"type": "string"},
        "to_status": {"type": "string"},
        "reason": {"type": "string"},
        "job_id": {"type": ["integer", "null"],
                   "description": "the job whose event moved the machine, if one did"},
    }, ("at", "actor", "from_status", "to_status", "reason"), closed=False),
    "MachineEventList": _obj({
        "machine": {"type": "string"}, "status": {"type": "string"},
        "items": {"type": "array", "items": _ref("MachineEvent"),
                  "description": "newest first"}}, ("items",), closed=False),
    "PaymentRecorded": _obj({
        "event_id": {"type": "string"}, "kind": {"type": "string"},
        "order_reference": {"type": "string"}, "recorded": {"type": "boolean"},
    }, ("event_id", "kind", "recorded"), closed=False),
}


def _event_catalogue() -> list[str]:
    """One markdown row per event, from the workflow's table itself (never out of date)."""
    rows = ["| event | from | roles | data | |", "|---|---|---|---|---|"]
    common = {f.name for f in COMMON_FIELDS}
    for t in TRANSITIONS:
        fields = ", ".join(f"{f.name}{'*' if f.required else ''} ({f.kind})"
                           for f in t.payload if f.name not in common) or "-"
        sources = ", ".join(sorted(t.sources)) if len(t.sources) < 6 else "any active state"
        rows.append(f"| `{t.event}` | {sources} | {', '.join(sorted(t.roles))} | {fields} | "
                    f"{t.description} |")
    rows.append("\n`*` required. Every event may carry `note`. An admin may fire every event a "
                "person may; `system` events are fired by the workshop itself.")
    return rows


def _json(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": _ref(name)}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json("Error")}


COMMON_ERRORS = {
    "401": _error("missing or unrecognised credentials"),
    "403": _error("the caller's role may not do this"),
}
STAFF = [{"staffToken": []}]
ANY_CALLER = [{"staffToken": []}, {"apiKey": []}, {"apiKeyHeader": []}]
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}
MACHINE_ID = {"name": "machine_id", "in": "path", "required": True,
              "schema": {"type": "integer"}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


# (method, path, operation): path in OpenAPI form; the test maps Flask's <int:x> onto {x}
OPERATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("post", "/tokens", {
        "operationId": "issueStaffToken", "tags": ["auth"], "security": [],
        "summary": "Trade a staff member's username and password for a new API token",
        "requestBody": {"required": True, **_json("TokenRequest")},
        "responses": {"201": {"description": "the new token", **_json("Token")},
                      "401": _error("username or password not recognised"),
                      "422": _error("invalid body")},
    }),
    ("post", "/pieces", {
        "operationId": "registerPiece", "tags": ["pieces"], "security": ANY_CALLER,
        "summary": "Register a piece at sale with its certificate number and data",
        "requestBody": {"required": True, **_json("PieceIn")},
        "responses": {"201": {"description": "registered", **_json("Piece")},
                      "409": _error("a piece with this certificate number exists"),
                      "422": _error("invalid body")},
    }),
    ("post", "/orders", {
        "operationId": "createOrder", "tags": ["orders"], "security": ANY_CALLER,
        "summary": "Intake of a paid order; one job per line",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                        "description": "the same key with the same body returns the stored answer"}],
        "requestBody": {"required": True, **_json("OrderIn")},
        "responses": {"201": {"description": "accepted: the order and its jobs", **_json("Order")},
                      "200": {"description": "the same order was already accepted",
                              **_json("Order")},
                      "409": _error("same order reference or Idempotency-Key, different body"),
                      "422": _error("invalid body or unregistered piece")},
    }),
    ("get", "/jobs", {
        "operationId": "listJobs", "tags": ["jobs"], "security": STAFF,
        "summary": "Jobs, filtered and paginated (most urgent first)",
        "parameters": [
            _query("state", {"type": "string", "enum": [st.value for st in State]},
                   "only jobs in this state"),
            _query("route", {"type": "string", "enum": [m.value for m in CarvingMode]},
                   "machine or hand"),
            _query("due_before", {"type": "string", "format": "date"}, "due on or before"),
            _query("due_after", {"type": "string", "format": "date"}, "due on or after"),
            _query("store", {"type": "string"}, "the order's store code"),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "page size"),
            _query("offset", {"type": "integer", "minimum": 0}, "rows to skip"),
        ],
        "responses": {"200": {"description": "a page of jobs", **_json("JobList")},
                      "422": _error("invalid filter")},
    }),
    ("get", "/jobs/{job_id}", {
        "operationId": "getJob", "tags": ["jobs"], "security": ANY_CALLER, "parameters": [JOB_ID],
        "summary": "A job with its event timeline and the events the caller may fire now",
        "responses": {"200": {"description": "the job", **_json("Job")},
                      "404": _error("no such job")},
    }),
    ("post", "/jobs/{job_id}/events", {
        "operationId": "fireJobEvent", "tags": ["jobs"], "security": ANY_CALLER,
        "parameters": [JOB_ID],
        "summary": "Fire a workflow event on a job (one transaction, optimistic lock on version)",
        "description": "Events, the states they leave, the roles that may fire them and the "
                       "fields of `data`:\n\n" + "\n".join(_event_catalogue()),
        "requestBody": {"required": True, **_json("EventIn")},
        "responses": {"200": {"description": "the job after the transition", **_json("Job")},
                      "404": _error("no such job"),
                      "409": _error("illegal transition, guard failed or stale version"),
                      "422": _error("invalid body or event data")},
    }),
    ("post", "/artifacts", {
        "operationId": "uploadArtifact", "tags": ["artifacts"], "security": STAFF,
        "summary": "Upload a photo or document; answers its sha256 for use as an attachment",
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": _ref("ArtifactUpload")}}},
        "responses": {"201": {"description": "stored", **_json("Artifact")},
                      "200": {"description": "already stored", **_json("Artifact")},
                      "413": _error("file too large"),
                      "422": _error("no file, or not an accepted type")},
    }),
    ("get", "/artifacts/{sha256}", {
        "operationId": "getArtifact", "tags": ["artifacts"], "security": STAFF,
        "parameters": [{"name": "sha256", "in": "path", "required": True, "schema": SHA256}],
        "summary": "Download a stored artifact",
        "responses": {"200": {"description": "the file",
                              "content": {"application/octet-stream": {}}},
                      "404": _error("no such artifact")},
    }),
    ("post", "/certificates/{number}/revoke", {
        "operationId": "revokeCertificate", "tags": ["certificates"], "security": STAFF,
        "parameters": [{"name": "number", "in": "path", "required": True,
                        "schema": {"type": "string", "maxLength": 64}}],
        "summary": "Revoke a certificate (admin); public verification then says revoked, "
                   "with the reason",
        "requestBody": {"required": True, **_json("RevokeIn")},
        "responses": {"200": {"description": "revoked", **_json("CertificateStatus")},
                      "403": _error("only an admin revokes certificates"),
                      "404": _error("no such certificate"),
                      "409": _error("already revoked"),
                      "422": _error("no reason given")},
    }),
    ("get", "/designs", {
        "operationId": "listDesigns", "tags": ["designs"], "security": ANY_CALLER,
        "summary": "The design library; with certificate_no, only designs that fit the piece",
        "parameters": [_query("tag", {"type": "string"}, "only designs with this tag"),
                       _query("source", {"type": "string",
                                         "enum": [d.value for d in DesignSource]}, "source"),
                       _query("certificate_no", {"type": "string"},
                              "offered on this piece (shape and size)"),
                       _query("face", {"type": "string"}, "the face (default front)")],
        "responses": {"200": {"description": "designs", **_json("DesignList")},
                      "404": _error("no such piece")},
    }),
    ("get", "/designs/{code}", {
        "operationId": "getDesign", "tags": ["designs"], "security": ANY_CALLER,
        "parameters": [{"name": "code", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "summary": "A design with its fits, owners, terms (newest first) and patent data",
        "responses": {"200": {"description": "the design", **_json("Design")},
                      "404": _error("no such design")},
    }),
    ("get", "/designs/{code}/preview", {
        "operationId": "getDesignPreview", "tags": ["designs"], "security": ANY_CALLER,
        "parameters": [{"name": "code", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "summary": "The preview the CAM drew when the design was checked",
        "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {}}},
                      "404": _error("no such design, or no preview")},
    }),
    ("post", "/designs", {
        "operationId": "createDesign", "tags": ["designs"], "security": ANY_CALLER,
        "summary": "Add a design; the SVG is carved by the CAM first and refused with its reason",
        "requestBody": {"required": True, **_json("DesignUpload")},
        "responses": {"201": {"description": "added", **_json("Design")},
                      "409": _error("a design with this code exists"),
                      "422": _error("invalid body, shares not adding up to 100 %, or the CAM "
                                    "refused the SVG (error cam_refused, with the reason)")},
    }),
    ("post", "/designs/{code}/terms", {
        "operationId": "addDesignTerms", "tags": ["designs"], "security": ANY_CALLER,
        "parameters": [{"name": "code", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "summary": "A new version of the terms, in force from its valid_from",
        "requestBody": {"required": True, **_json("DesignTermsIn")},
        "responses": {"201": {"description": "the design with its terms", **_json("Design")},
                      "404": _error("no such design"),
                      "422": _error("shares not adding up to exactly 100 %, unknown owner")},
    }),
    ("get", "/quotes", {
        "operationId": "getQuote", "tags": ["quotes"], "security": ANY_CALLER,
        "summary": "The lines of the bill for a piece + design + carving mode + delivery",
        "description": "Design fee (paid design) or royalty (co-designed, under the terms in "
                       "force on the date; free after its term), hand carving = estimated "
                       "hours x artisan rate (machine carving is free), return shipping "
                       "(courier; pickup is free). Exact decimal strings, ROUND_HALF_EVEN to "
                       "the currency's minor unit once per line.",
        "parameters": [
            {**_query("certificate_no", {"type": "string"}, "the piece"), "required": True},
            _query("design_code", {"type": "string"}, "the design (none: no design line)"),
            {**_query("carving_mode", {"type": "string",
                                       "enum": [m.value for m in CarvingMode]},
                      "machine or hand"), "required": True},
            _query("delivery", {"type": "string", "enum": [d.value for d in Delivery]},
                   "courier or pickup (default)"),
            _query("face", {"type": "string"}, "the face carved (default front)"),
            _query("date", {"type": "string", "format": "date"},
                   "the day of the use (default today): the terms in force that day apply"),
        ],
        "responses": {"200": {"description": "the bill", **_json("Quote")},
                      "404": _error("no such piece or design"),
                      "422": _error("missing parameter, or the design is not offered on "
                                    "this piece")},
    }),
    ("get", "/machines", {
        "operationId": "listMachines", "tags": ["machines"], "security": STAFF,
        "summary": "The machines: profile, axes, tools loaded, status since when and why",
        "responses": {"200": {"description": "every machine", **_json("MachineList")}},
    }),
    ("post", "/machines/{machine_id}/status", {
        "operationId": "setMachineStatus", "tags": ["machines"], "security": STAFF,
        "parameters": [MACHINE_ID],
        "summary": "Set a machine idle, running, in maintenance or at fault (recorded)",
        "description": "Roles: admin, supervisor, cnc_operator. Maintenance and fault need a "
                       "reason. A machine in maintenance or at fault takes no jobs and does "
                       "not run until it is set idle. The same status again changes nothing "
                       "(`changed`: false). Jobs move their machine themselves: start and "
                       "resume run it, pause and finish leave it idle, a fault stops it.",
        "requestBody": {"required": True, **_json("MachineStatusIn")},
        "responses": {"200": {"description": "the machine after the change", **_json("Machine")},
                      "404": _error("no such machine"),
                      "409": _error("not possible from the current status (running from "
                                    "maintenance or fault: set it idle first)"),
                      "422": _error("unknown status, or no reason for maintenance or fault")},
    }),
    ("get", "/machines/{machine_id}/events", {
        "operationId": "listMachineEvents", "tags": ["machines"], "security": STAFF,
        "parameters": [MACHINE_ID, _query("limit", {"type": "integer", "minimum": 1,
                                                     "maximum": 500}, "rows (default 50)")],
        "summary": "The machine's recorded status changes, newest first: who, when, from, to, "
                   "why, and the job that moved it",
        "responses": {"200": {"description": "the changes", **_json("MachineEventList")},
                      "404": _error("no such machine"),
                      "422": _error("invalid limit or unknown parameter")},
    }),
    ("post", "/payments", {
        "operationId": "paymentEvent", "tags": ["payments"],
        "security": [{"platformSignature": []}],
        "summary": "The platform confirms a payment or a refund (signed webhook)",
        "description": "Signed with the shared secret: header `X-Platform-Signature: "
                       "t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>`. Refused "
                       "(and nothing written) when the signature does not match, the timestamp "
                       "is more than 5 minutes from now, or the event id was seen before. A "
                       "payment charges the royalties of the order's jobs; a refund reverses "
                       "those of its cancelled jobs.",
        "requestBody": {"required": True, **_json("PaymentEvent")},
        "responses": {"201": {"description": "recorded", **_json("PaymentRecorded")},
                      "401": _error("bad signature or timestamp outside 5 minutes"),
                      "404": _error("no such order"),
                      "409": _error("this event id was already received"),
                      "422": _error("invalid body")},
    }),
]


def build_document(server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, operation in OPERATIONS:
        common = COMMON_ERRORS if operation["security"] else {}
        op = {**operation, "responses": {**common, **operation["responses"]}}
        paths.setdefault(API_PREFIX + path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Jade workshop API",
            "version": "1.0.0",
            "description": "Intake of paid orders from the platform, registration of pieces, "
                           "and the carving-job workflow for staff.",
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": t} for t in ("auth", "pieces", "orders", "jobs", "artifacts",
                                            "designs", "quotes", "payments", "machines")],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "staffToken": {"type": "http", "scheme": "bearer", "bearerFormat": "wst_...",
                               "description": "a staff member's API token"},
                "apiKey": {"type": "http", "scheme": "bearer", "bearerFormat": "wak_...",
                           "description": "the platform's API key"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": "the platform's API key, as a header"},
                "platformSignature": {
                    "type": "apiKey", "in": "header", "name": "X-Platform-Signature",
                    "description": "t=<unix>,v1=<hex HMAC-SHA256(shared secret, "
                                   "\"<t>.<raw body>\")>: payment webhooks only"},
            },
        },
    }


@cache
def _validator(name: str) -> Draft202012Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": SCHEMAS}}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(body: object, schema_name: str) -> dict[str, Any]:
    """Check a request body against a published schema; 422 listing every problem found."""
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        problems = [{"field": "/".join(str(p) for p in e.path) or "(body)", "problem": e.message}
                    for e in errors[:20]]
        first = problems[0]
        raise Invalid(f"invalid {schema_name}: {first['field']}: {first['problem']}",
                      problems=problems)
    assert isinstance(body, dict)
    return body
