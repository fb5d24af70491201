"""Signing and verifying workshop certificates: tampering of any kind must fail."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.errors import FloatNotAllowed, SigningError
from certificates.issue import IssuedCertificate
from certificates.keys import KeyStore
from certificates.signing import SigningKey, sign, verify


def _tampered(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(document)
    target = out
    for key in path[:-1]:
        target = target[key]
    assert target[path[-1]] != value, "the tamper must change something"
    target[path[-1]] = value
    return out


SUBJECT = ("credentialSubject",)
IDENT = SUBJECT + ("identification",)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (IDENT + ("name",), "翡翠"),
        (IDENT + ("massAfterCarvingMg",), 48_116),
        (IDENT + ("massBeforeCarvingMg",), 60_000),
        (IDENT + ("photoSha256",), "00" * 32),
        (SUBJECT + ("supersedes",), "NGTC-2024-000001"),
        (SUBJECT + ("carving", "design", "title"), "Another design"),
        (("validFrom",), "2030-01-01T00:00:00Z"),
        (("proof", "created"), "2020-01-01T00:00:00Z"),
    ],
)
def test_changed_field_fails_verification(
    issued: IssuedCertificate, keys: KeyStore, path: tuple[str, ...], value: Any
) -> None:
    assert verify(issued.document, keys.resolve).ok
    result = verify(_tampered(issued.document, path, value), keys.resolve)
    assert not result.ok
    assert result.reason == "signature does not match the content"


def test_added_field_fails_verification(issued: IssuedCertificate, keys: KeyStore) -> None:
    tampered = copy.deepcopy(issued.document)
    tampered["credentialSubject"]["identification"]["note"] = "certified flawless"
    assert not verify(tampered, keys.resolve).ok


def test_proof_context_must_prefix_document_context(
    issued: IssuedCertificate, keys: KeyStore
) -> None:
    tampered = copy.deepcopy(issued.document)
    tampered["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    result = verify(tampered, keys.resolve)
    assert not result.ok
    assert "@context" in result.reason


def test_signature_survives_json_round_trip_and_key_order(
    issued: IssuedCertificate, keys: KeyStore
) -> None:
    text = json.dumps(issued.document, ensure_ascii=True, indent=3, sort_keys=True)
    assert verify(json.loads(text), keys.resolve).ok


def test_foreign_key_with_own_did_key_is_not_trusted(
    issued: IssuedCertificate, keys: KeyStore
) -> None:
    # A forger signs with a key of their own; its did:key id is well-formed but unknown to us.
    forger = SigningKey.did_key(Ed25519PrivateKey.generate())
    unsigned = {k: v for k, v in issued.document.items() if k != "proof"}
    forged = sign(unsigned, forger)
    assert verify(forged, {forger.key_id: forger.private_key.public_key()}.get).ok
    result = verify(forged, keys.resolve)
    assert not result.ok and "unknown key" in result.reason


@pytest.mark.parametrize(
    "proof_change",
    [
        {"cryptosuite": "eddsa-rdfc-2022"},
        {"type": "Ed25519Signature2020"},
        {"proofPurpose": "authentication"},
        {"proofValue": "not-multibase"},
        {"proofValue": "z1111"},
    ],
)
def test_malformed_proof_is_rejected_not_raised(
    issued: IssuedCertificate, keys: KeyStore, proof_change: dict[str, str]
) -> None:
    tampered = copy.deepcopy(issued.document)
    tampered["proof"].update(proof_change)
    assert not verify(tampered, keys.resolve).ok


def test_missing_proof(issued: IssuedCertificate, keys: KeyStore) -> None:
    unsigned = {k: v for k, v in issued.document.items() if k != "proof"}
    assert verify(unsigned, keys.resolve).reason == "no proof"


def test_sign_refuses_floats_and_signed_documents(issued: IssuedCertificate) -> None:
    key = SigningKey.did_key(Ed25519PrivateKey.generate())
    with pytest.raises(FloatNotAllowed, match=r"\$\.mass"):
        sign({"mass": 52.34}, key)
    with pytest.raises(SigningError):
        sign(issued.document, key)


def test_sign_does_not_modify_its_input() -> None:
    key = SigningKey.did_key(Ed25519PrivateKey.generate())
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "a": [1, {"b": "c"}]}
    before = copy.deepcopy(document)
    sign(document, key)
    assert document == before


_json_scalars = st.one_of(
    st.text(max_size=12), st.integers(-(2**53) + 1, 2**53 - 1), st.booleans(), st.none()
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_documents = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda k: k != "proof"),
    _json_values,
    min_size=1,
    max_size=5,
)
_KEY = SigningKey.did_key(Ed25519PrivateKey.generate())
_RESOLVE = {_KEY.key_id: _KEY.private_key.public_key()}.get


@settings(max_examples=60, deadline=None)
@given(_documents)
def test_any_json_document_round_trips(document: dict[str, Any]) -> None:
    signed = sign(document, _KEY)
    assert verify(json.loads(json.dumps(signed)), _RESOLVE).ok


@settings(max_examples=60, deadline=None)
@given(_documents, st.data())
def test_any_change_to_a_top_level_value_fails(
    document: dict[str, Any], data: st.DataObject
) -> None:
    signed = sign(document, _KEY)
    key = data.draw(st.sampled_from(sorted(document)))
    new_value = data.draw(
        _json_values.filter(lambda v: v != document[key] or type(v) is not type(document[key]))
    )
    tampered = copy.deepcopy(signed)
    tampered[key] = new_value
    if json.dumps(tampered[key], sort_keys=True) == json.dumps(document[key], sort_keys=True):
        return  # same JSON text (e.g. 1 vs True is not, but 0 vs -0 is): not a change
    assert not verify(tampered, _RESOLVE).ok
