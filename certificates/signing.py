"""Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C, Data Integrity EdDSA
Cryptosuites v1.0, sections 3.3.1-3.3.6).

Signing: proofConfig = the proof options (with the document's @context); hashData =
SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof)); proofValue =
multibase base58-btc of the Ed25519 signature over hashData.

Verification never trusts a key carried by the document itself: the verification method is a
key *id*, and the resolver says which public key, if any, the workshop stands behind for it.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .content import assert_json_safe
from .errors import CertificateError, EncodingError, SigningError
from .multibase import did_key_id, encode_public_multikey, multibase_decode, multibase_encode

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "SigningKey",
    "VerifyResult",
    "Resolver",
    "canonicalize",
    "hash_data",
    "proof_config",
    "sign",
    "verify",
    "key_id_of",
]

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

Resolver = Callable[[str], Ed25519PublicKey | None]


@dataclass(frozen=True)
class SigningKey:
    """A private key and the verification method id it signs under."""

    key_id: str
    private_key: Ed25519PrivateKey

    @classmethod
    def did_key(cls, private_key: Ed25519PrivateKey) -> SigningKey:
        """A key whose id is its did:key verification method (did:key:z6Mk...#z6Mk...)."""
        return cls(key_id_of(private_key.public_key()), private_key)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reason: str
    key_id: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return did_key_id(encode_public_multikey(raw))


def canonicalize(value: Any) -> bytes:
    """RFC 8785 (JCS) bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise SigningError(f"cannot canonicalize: {exc}") from exc


def hash_data(config: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
    """SHA-256(JCS(proof config)) || SHA-256(JCS(document without proof)): 64 bytes."""
    return (
        hashlib.sha256(canonicalize(config)).digest()
        + hashlib.sha256(canonicalize(document)).digest()
    )


def _stamp(created: datetime | str | None) -> str:
    if created is None:
        created = datetime.now(UTC)
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise SigningError("created must be timezone-aware")
        return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not _DATETIME.match(created):
        raise SigningError(f"created is not an XML Schema dateTime: {created!r}")
    return created


def proof_config(
    document: Mapping[str, Any], key_id: str, created: datetime | str | None = None
) -> dict[str, Any]:
    """The proof options of spec section 3.3.5: the proof without its proofValue."""
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _stamp(created),
        "verificationMethod": key_id,
        "proofPurpose": PROOF_PURPOSE,
    }
    if "@context" in document:
        config["@context"] = copy.deepcopy(document["@context"])
    return config


def sign(
    document: Mapping[str, Any], key: SigningKey, *, created: datetime | str | None = None
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-jcs-2022 `proof`. The input is not modified."""
    if "proof" in document:
        raise SigningError("document already carries a proof")
    assert_json_safe(document)
    unsecured = copy.deepcopy(dict(document))
    config = proof_config(unsecured, key.key_id, created)
    signature = key.private_key.sign(hash_data(config, unsecured))
    signed = copy.deepcopy(unsecured)
    signed["proof"] = {**config, "proofValue": multibase_encode(signature)}
    return signed


class _Rejected(CertificateError):
    pass


def _check_proof_options(proof: Mapping[str, Any]) -> None:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise _Rejected(f"not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise _Rejected(f"proof purpose is not {PROOF_PURPOSE}")
    created = proof.get("created")
    if created is not None and (not isinstance(created, str) or not _DATETIME.match(created)):
        raise _Rejected("proof 'created' is not an XML Schema dateTime")


def _unsecured_with_context(signed: Mapping[str, Any], options: Mapping[str, Any]) -> dict:
    """Spec 3.3.2 step 4: the proof's @context must be a prefix of the document's."""
    unsecured = {k: copy.deepcopy(v) for k, v in signed.items() if k != "proof"}
    if "@context" in options:
        proof_ctx = options["@context"]
        doc_ctx = signed.get("@context")
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_list[: len(proof_list)] != proof_list:
            raise _Rejected("proof @context does not match the document's @context")
        unsecured["@context"] = copy.deepcopy(proof_ctx)
    return unsecured


def _signature_bytes(proof: Mapping[str, Any]) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise _Rejected("proof has no proofValue")
    try:
        signature = multibase_decode(value)
    except EncodingError as exc:
        raise _Rejected(str(exc)) from exc
    if len(signature) != 64:
        raise _Rejected("an Ed25519 signature is 64 bytes")
    return signature


def verify(signed: Mapping[str, Any], resolver: Resolver) -> VerifyResult:
    """Check the document's eddsa-jcs-2022 proof against the key the resolver gives for its id.

    Never raises for a bad document: the answer says why it failed. `key_id` is reported
    whenever the proof names one, so an operator can see which (possibly retired) key signed.
    """
    proof = signed.get("proof") if isinstance(signed, Mapping) else None
    if not isinstance(proof, Mapping):
        return VerifyResult(False, "no proof")
    key_id = proof.get("verificationMethod")
    key_id = key_id if isinstance(key_id, str) else None
    try:
        _check_proof_options(proof)
        signature = _signature_bytes(proof)
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsecured = _unsecured_with_context(signed, options)
        if key_id is None:
            raise _Rejected("proof names no verification method")
        public_key = resolver(key_id)
        if public_key is None:
            raise _Rejected(f"unknown key {key_id}")
        public_key.verify(signature, hash_data(options, unsecured))
    except _Rejected as exc:
        return VerifyResult(False, str(exc), key_id)
    except SigningError as exc:
        return VerifyResult(False, f"cannot canonicalize: {exc}", key_id)
    except InvalidSignature:
        return VerifyResult(False, "signature does not match the content", key_id)
    return VerifyResult(True, "signature valid", key_id)
