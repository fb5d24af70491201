"""The W3C eddsa-jcs-2022 test vector (Data Integrity EdDSA Cryptosuites v1.0, Appendix B.3),
reproduced byte for byte: canonical forms, hashes, signature, proofValue and signed credential."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certificates.multibase import (
    decode_private_multikey,
    decode_public_multikey,
    did_key_id,
    encode_public_multikey,
)
from certificates.signing import SigningKey, canonicalize, hash_data, key_id_of, sign, verify

VECTORS = Path(__file__).parent / "vectors" / "eddsa-jcs-2022"


def _text(name: str) -> str:
    return (VECTORS / name).read_text(encoding="utf-8")


def _json(name: str) -> dict:
    return json.loads(_text(name))


@pytest.fixture(scope="module")
def key_pair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    pair = _json("keyPair.json")
    private = Ed25519PrivateKey.from_private_bytes(
        decode_private_multikey(pair["secretKeyMultibase"])
    )
    public = Ed25519PublicKey.from_public_bytes(decode_public_multikey(pair["publicKeyMultibase"]))
    return private, public


def test_key_pair_decodes_to_matching_keys(key_pair) -> None:
    private, public = key_pair
    assert key_id_of(private.public_key()) == key_id_of(public)
    multikey = _json("keyPair.json")["publicKeyMultibase"]
    assert encode_public_multikey(decode_public_multikey(multikey)) == multikey


def test_canonical_document_and_its_hash() -> None:
    canonical = canonicalize(_json("unsigned.json"))
    assert canonical == _text("canonDoc.txt").encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == _text("docHash.txt")


def test_canonical_proof_options_and_their_hash() -> None:
    canonical = canonicalize(_json("proofOptions.json"))
    assert canonical == _text("proofCanon.txt").encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == _text("proofHash.txt")


def test_combined_hash() -> None:
    combined = hash_data(_json("proofOptions.json"), _json("unsigned.json"))
    assert combined.hex() == _text("combinedHash.txt")


def test_sign_reproduces_signature_and_signed_credential(key_pair) -> None:
    private, _ = key_pair
    options = _json("proofOptions.json")
    multikey = _json("keyPair.json")["publicKeyMultibase"]
    key = SigningKey(did_key_id(multikey), private)
    assert key.key_id == options["verificationMethod"]

    signed = sign(_json("unsigned.json"), key, created=options["created"])

    assert signed == _json("signed.json")
    assert signed["proof"]["proofValue"] == _text("sigBTC58.txt")
    signature = private.sign(bytes.fromhex(_text("combinedHash.txt")))
    assert signature.hex() == _text("sigHex.txt")


def test_signed_credential_verifies(key_pair) -> None:
    _, public = key_pair
    signed = _json("signed.json")
    known = {signed["proof"]["verificationMethod"]: public}
    result = verify(signed, known.get)
    assert result.ok, result.reason
    assert result.key_id == signed["proof"]["verificationMethod"]


def test_signed_credential_fails_with_one_field_changed(key_pair) -> None:
    _, public = key_pair
    signed = _json("signed.json")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    known = {signed["proof"]["verificationMethod"]: public}
    assert verify(signed, known.get).ok
    result = verify(tampered, known.get)
    assert not result.ok
    assert "signature" in result.reason


def test_signed_credential_fails_when_the_key_is_not_trusted() -> None:
    result = verify(_json("signed.json"), lambda key_id: None)
    assert not result.ok
    assert "unknown key" in result.reason
