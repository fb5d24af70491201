"""The desk's form parsing, on any input: a payload or FormErrors naming fields, never a crash;
and what it accepts, intake accepts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.store import forms

FIELDS = ["reference", "customer_name", "customer_phone", "customer_email", "amount_paid",
          *(f"line{i}_{name}" for i in range(forms.LINES)
            for name in ("certificate_no", "carving_mode", "design_code", "face", "due_date",
                         "priority"))]
TEXT = st.text(max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), TEXT))
def test_any_order_form_is_a_payload_or_named_errors(form: dict[str, str]) -> None:
    try:
        data = forms.desk_order(form, "SH-JA")
    except forms.FormErrors as exc:
        assert exc.errors and set(exc.errors) <= set(FIELDS)
        return
    assert data["channel"] == "store_desk" and data["lines"]
    assert Decimal(data["amount_paid"]) >= 0
    assert all(line["carving_mode"] in ("machine", "hand") for line in data["lines"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["certificate_no", "material", "shape", "mass_g",
                                        *forms.DIMENSIONS]), TEXT))
def test_any_piece_form_is_a_payload_or_named_errors(form: dict[str, str]) -> None:
    try:
        data = forms.piece(form, "SH-JA")
    except forms.FormErrors as exc:
        assert exc.errors
        return
    assert Decimal(data["mass_g"]) > 0
    assert all(Decimal(v) > 0 for v in data["dimensions"].values())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["", "abc", "-1", "0", "1e999", "NaN", "12.5"]),
       st.sampled_from(forms.CONDITIONS + ("", "lost")))
def test_receipt_needs_a_positive_mass_and_a_known_condition(mass: str, condition: str) -> None:
    good_mass = mass in ("12.5",)
    good = good_mass and condition in forms.CONDITIONS
    try:
        data = forms.receipt({"mass_g": mass, "condition": condition})
    except forms.FormErrors as exc:
        assert not good
        assert ("mass_g" in exc.errors) == (not good_mass)
        return
    assert good and data == {"channel": "store_counter", "mass_g": "12.5",
                             "condition": condition}


def test_a_desk_reference_is_unique_and_accepted_by_its_form() -> None:
    refs = {forms.new_reference("SH-NJR") for _ in range(200)}
    assert len(refs) == 200
    ref = refs.pop()
    data = forms.desk_order({"reference": ref, "customer_name": "王芳", "customer_phone": "1",
                             "line0_certificate_no": "N-1", "line0_carving_mode": "hand"},
                            "SH-NJR")
    assert data["reference"] == ref
