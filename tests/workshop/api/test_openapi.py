"""The OpenAPI document is valid 3.1, documents every /api/v1 route, and is what validation uses."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from workshop import openapi
from workshop.errors import Invalid


def test_document_is_valid_openapi_31(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_0-9]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_nothing_else(app, client) -> None:
    document = client.get("/api/openapi.json").get_json()
    registered = {
        (method.lower(), _flask_to_openapi(rule.rule))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert registered == documented


def test_operations_have_ids_security_and_error_schema(client) -> None:
    document = client.get("/api/openapi.json").get_json()
    ids = []
    schemes = set(document["components"]["securitySchemes"])
    for ops in document["paths"].values():
        for op in ops.values():
            ids.append(op["operationId"])
            # only the login itself is open; every other operation names its credentials
            assert bool(op["security"]) is (op["operationId"] != "issueStaffToken")
            assert all(set(s) <= schemes for s in op["security"])
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("body, field", [
    ({"event": "receive"}, "(body)"),  # version missing
    ({"event": "receive", "version": "3"}, "version"),
    ({"event": "receive", "version": 0}, "version"),
    ({"event": "receive", "version": 1, "colour": "green"}, "(body)"),
    ({"event": "receive", "version": 1, "attachments": ["not-a-sha"]}, "attachments/0"),
    ([1, 2], "(body)"),
])
def test_validation_names_the_field_at_fault(body, field) -> None:
    with pytest.raises(Invalid) as err:
        openapi.validate(body, "EventIn")
    assert err.value.details["problems"][0]["field"] == field


def test_valid_bodies_pass_unchanged() -> None:
    body = {"event": "receive", "version": 2, "note": "ok", "data": {"mass_g": "12.3"},
            "attachments": ["a" * 64]}
    assert openapi.validate(body, "EventIn") == body


def test_published_examples_are_valid_requests() -> None:
    examples = [(name, ex) for name, schema in openapi.SCHEMAS.items()
                for ex in schema.get("examples", [])]
    assert {name for name, _ in examples} >= {"PieceIn", "OrderIn", "EventIn"}
    for name, example in examples:
        assert openapi.validate(example, name) == example


def test_event_catalogue_follows_the_workflow_table(client) -> None:
    from jobs.states import TRANSITIONS

    document = client.get("/api/openapi.json").get_json()
    fire = document["paths"]["/api/v1/jobs/{job_id}/events"]["post"]
    for transition in TRANSITIONS:
        assert f"| `{transition.event}` |" in fire["description"]
    enum = document["components"]["schemas"]["EventIn"]["properties"]["event"]["enum"]
    assert enum == [t.event for t in TRANSITIONS]
