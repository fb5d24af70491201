"""base58-btc multibase and Ed25519 Multikey encodings used by Data Integrity proofs.

A Multikey is multibase('z' + base58btc(multicodec-varint-prefix || raw key bytes)).
Ed25519 public keys carry the prefix 0xed 0x01 (they start "z6Mk"), private keys 0x80 0x26
("z3u2"), as in the W3C "Controlled Identifiers" and "Data Integrity EdDSA" specifications.
"""

from __future__ import annotations

from .errors import EncodingError

__all__ = [
    "b58encode",
    "b58decode",
    "multibase_encode",
    "multibase_decode",
    "encode_public_multikey",
    "decode_public_multikey",
    "encode_private_multikey",
    "decode_private_multikey",
    "did_key_id",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB_PREFIX = bytes([0xED, 0x01])
ED25519_PRIV_PREFIX = bytes([0x80, 0x26])
_KEY_LEN = 32


def b58encode(data: bytes) -> str:
    """Bitcoin base58 (leading zero bytes become leading '1's)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_ALPHABET[r])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        try:
            n = n * 58 + _INDEX[ch]
        except KeyError:
            raise EncodingError(f"not a base58 character: {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise EncodingError("only base58-btc multibase ('z' prefix) is supported")
    return b58decode(text[1:])


def _decode_key(text: str, prefix: bytes, what: str) -> bytes:
    raw = multibase_decode(text)
    if not raw.startswith(prefix) or len(raw) != len(prefix) + _KEY_LEN:
        raise EncodingError(f"not an Ed25519 {what} Multikey: {text!r}")
    return raw[len(prefix) :]


def encode_public_multikey(raw: bytes) -> str:
    if len(raw) != _KEY_LEN:
        raise EncodingError(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    return multibase_encode(ED25519_PUB_PREFIX + raw)


def decode_public_multikey(text: str) -> bytes:
    return _decode_key(text, ED25519_PUB_PREFIX, "public")


def encode_private_multikey(raw: bytes) -> str:
    if len(raw) != _KEY_LEN:
        raise EncodingError(f"an Ed25519 private key is 32 bytes, got {len(raw)}")
    return multibase_encode(ED25519_PRIV_PREFIX + raw)


def decode_private_multikey(text: str) -> bytes:
    return _decode_key(text, ED25519_PRIV_PREFIX, "private")


def did_key_id(public_multikey: str) -> str:
    """The did:key verification method id of a public Multikey: did:key:<mk>#<mk>."""
    return f"did:key:{public_multikey}#{public_multikey}"
