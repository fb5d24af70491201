"""The certificate document: VC 2.0 shape, every field present, no floats anywhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.content import (
    VC_CONTEXT,
    CarvingMode,
    assert_json_safe,
    build_document,
    format_mass,
)
from certificates.errors import ContentError, FloatNotAllowed
from certificates.signing import SigningKey, sign, verify

from .conftest import ISSUER, sample_carving, sample_identification

MOMENT = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)


def _build(ident=None, carving=None, **kw):
    kw.setdefault("number", "JW-2026-7K3M9QXD5")
    kw.setdefault("supersedes", "NGTC-2024-118822")
    kw.setdefault("issuer", ISSUER)
    kw.setdefault("valid_from", MOMENT)
    return build_document(ident or sample_identification(), carving or sample_carving(), **kw)


def test_document_has_vc2_shape_and_all_fields() -> None:
    doc = _build()
    assert doc["@context"][0] == VC_CONTEXT
    assert doc["type"] == ["VerifiableCredential", "JadeCertificate"]
    assert doc["issuer"] == ISSUER
    assert doc["validFrom"] == "2026-11-25T17:30:00Z"
    subject = doc["credentialSubject"]
    assert subject["certificateNumber"] == "JW-2026-7K3M9QXD5"
    assert subject["supersedes"] == "NGTC-2024-118822"
    ident = subject["identification"]
    assert ident["originalCertificate"] == {
        "number": "NGTC-2024-118822",
        "issuingLab": "国家珠宝玉石质量监督检验中心 NGTC",
    }
    assert (ident["name"], ident["treatment"]) == ("和田玉", "天然 natural")
    assert (ident["massBeforeCarvingMg"], ident["massAfterCarvingMg"]) == (52_340, 48_115)
    assert (ident["refractiveIndex"], ident["density"]) == ("1.62", "2.95")
    assert ident["photoSha256"] == "3f" * 32
    carving = subject["carving"]
    assert carving["design"] == {
        "id": "D-0042",
        "title": "荷塘月色 Lotus Pond",
        "designer": "林晓 Lin Xiao",
        "coOwners": ["王芳 Wang Fang"],
    }
    assert carving["mode"] == "machine"
    assert carving["machine"] == "grbl-engraver-1"
    assert carving["programSha256"] == "a1" * 32
    assert carving["styles"] == ["浮雕", "阴刻"]
    assert carving["date"] == "2026-11-20"


def test_valid_from_is_converted_to_utc() -> None:
    from datetime import timedelta, timezone

    beijing = timezone(timedelta(hours=8))
    doc = _build(valid_from=datetime(2026, 11, 26, 1, 30, tzinfo=beijing))
    assert doc["validFrom"] == "2026-11-25T17:30:00Z"


def test_hand_carving_names_the_artisan_and_no_program() -> None:
    carving = sample_carving(
        mode=CarvingMode.HAND, artisan="陈师傅 Master Chen", machine=None, program_sha256=None
    )
    out = _build(carving=carving)["credentialSubject"]["carving"]
    assert out["mode"] == "hand" and out["artisan"] == "陈师傅 Master Chen"
    assert "programSha256" not in out and "machine" not in out


def test_optional_ri_and_density_are_omitted_when_unknown() -> None:
    ident = sample_identification(refractive_index=None, density=None)
    out = _build(ident)["credentialSubject"]["identification"]
    assert "refractiveIndex" not in out and "density" not in out


@pytest.mark.parametrize(
    "changes",
    [
        {"mass_before_mg": 52.34},
        {"mass_after_mg": 48115.0},
        {"refractive_index": 1.62},
        {"density": 2.95},
    ],
)
def test_floats_raise_a_named_error(changes) -> None:
    with pytest.raises(FloatNotAllowed):
        _build(sample_identification(**changes))


@pytest.mark.parametrize(
    ("ident_changes", "carving_changes"),
    [
        ({"mass_after_mg": 60_000}, {}),  # heavier after carving
        ({"mass_before_mg": 0}, {}),
        ({"mass_before_mg": True}, {}),
        ({"photo_sha256": "not-a-digest"}, {}),
        ({"name": " "}, {}),
        ({}, {"program_sha256": None}),  # machine carving without the program's digest
        ({}, {"mode": CarvingMode.HAND, "artisan": None}),
        ({}, {"carved_on": "2026-11-20"}),
    ],
)
def test_incomplete_or_malformed_content_is_refused(ident_changes, carving_changes) -> None:
    with pytest.raises(ContentError):
        _build(sample_identification(**ident_changes), sample_carving(**carving_changes))


def test_naive_valid_from_is_refused() -> None:
    with pytest.raises(ContentError):
        _build(valid_from=datetime(2026, 11, 25, 9, 0))


@pytest.mark.parametrize(
    "value", [{"a": [1, {"b": 0.5}]}, {"a": 2**60}, {"a": b"x"}, {1: "a"}, {"a": date(2026, 1, 1)}]
)
def test_assert_json_safe_refuses(value) -> None:
    with pytest.raises(ContentError):
        assert_json_safe(value)


def test_float_error_names_its_path() -> None:
    with pytest.raises(FloatNotAllowed) as info:
        assert_json_safe({"a": [1, {"b": 0.5}]})
    assert info.value.path == "$.a[1].b"


@pytest.mark.parametrize(
    ("mg", "text"),
    [(52_340, "52.340 g"), (5, "0.005 g"), (1_000, "1.000 g"), (123_456_789, "123456.789 g")],
)
def test_format_mass(mg: int, text: str) -> None:
    assert format_mass(mg) == text


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(str.strip)
_KEY = SigningKey.did_key(Ed25519PrivateKey.generate())


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 10**9), st.data(), _text, _text, st.lists(_text, max_size=3))
def test_any_valid_content_signs_and_any_mass_change_is_caught(
    before: int, data: st.DataObject, name: str, title: str, styles: list[str]
) -> None:
    after = data.draw(st.integers(1, before))
    ident = sample_identification(mass_before_mg=before, mass_after_mg=after, name=name)
    carving = sample_carving(design_title=title, styles=tuple(styles))
    signed = sign(_build(ident, carving), _KEY)
    resolve = {_KEY.key_id: _KEY.private_key.public_key()}.get
    parsed = json.loads(json.dumps(signed, ensure_ascii=False))
    assert verify(parsed, resolve).ok
    masses = parsed["credentialSubject"]["identification"]
    assert (masses["massBeforeCarvingMg"], masses["massAfterCarvingMg"]) == (before, after)
    delta = data.draw(st.sampled_from([-1, 1, 1000]))
    masses["massAfterCarvingMg"] += delta
    assert not verify(parsed, resolve).ok
