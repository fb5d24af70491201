"""Certificate numbers and verification codes.

Both use Crockford's base32 alphabet (digits and capitals without I, L, O, U), so a number
read aloud or copied from paper has no 0/O or 1/I/L confusion; on input those letters are
mapped back to the digits they resemble.

- A certificate number, e.g. ``JW-2026-7K3M9QXD5``: prefix, year, 8 random symbols and one
  check symbol (a weighted sum over GF(32) of year and body: catches every single-symbol
  error and every swap of adjacent symbols). Numbers are printed and may be enumerated; they are not secret.
  The database's unique constraint is the final word: on a collision, draw again.
- A verification code: 20 random symbols (100 bits), printed on the certificate and inside
  its QR. Only its SHA-256 digest needs to be stored (see `status.code_digest`).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from .errors import NumberError

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "check_symbol",
    "new_certificate_number",
    "normalize_number",
    "is_valid_number",
    "new_verification_code",
    "normalize_code",
    "format_code",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
NUMBER_BODY_LENGTH = 8
CODE_LENGTH = 20  # 20 symbols x 5 bits = 100 bits, above the 80-bit floor
DEFAULT_PREFIX = "JW"
_NUMBER = re.compile(rf"^([A-Z]{{2,4}})-(\d{{4}})-([0-9A-Z]{{{NUMBER_BODY_LENGTH + 1}}})$")


def _gf32_mul(a: int, b: int) -> int:
    """Multiplication in GF(2^5) modulo the primitive polynomial x^5 + x^2 + 1."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return product


def check_symbol(payload: str) -> str:
    """Check symbol c with c + sum(alpha^(i+1) * v_i) = 0 over GF(32), alpha = x.

    Each position has its own non-zero weight, so a single wrong symbol always changes the
    sum; swapping neighbours a, b changes it by alpha^i * (a + b) * (1 + alpha), non-zero
    whenever a != b. (Luhn mod 32 would miss the swap of '0' and 'Z'.) Works for payloads
    of up to 30 symbols, the order of alpha being 31.
    """
    if len(payload) > 30:
        raise NumberError("check symbol payload longer than 30 symbols")
    total = 0
    weight = 1
    for ch in payload:
        weight = _gf32_mul(weight, 2)
        total ^= _gf32_mul(weight, _VALUE[ch])
    return ALPHABET[total]


def _random_symbols(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def new_certificate_number(year: int | None = None, *, prefix: str = DEFAULT_PREFIX) -> str:
    """A fresh number ``<prefix>-<year>-<8 symbols><check>``; year defaults to now (UTC)."""
    year = datetime.now(UTC).year if year is None else year
    if not 1000 <= year <= 9999:
        raise NumberError(f"year must have four digits, got {year}")
    if not re.fullmatch(r"[A-Z]{2,4}", prefix):
        raise NumberError(f"prefix must be 2-4 capital letters, got {prefix!r}")
    body = _random_symbols(NUMBER_BODY_LENGTH)
    return f"{prefix}-{year:04d}-{body}{check_symbol(f'{year:04d}{body}')}"


def normalize_number(text: str) -> str:
    """Canonical form of a typed or scanned number; raises NumberError if it is not one."""
    cleaned = text.strip().upper().replace(" ", "")
    match = _NUMBER.match(cleaned)
    if not match:
        raise NumberError(f"not a certificate number: {text!r}")
    prefix, year, rest = match.groups()
    rest = rest.translate(_LOOKALIKES)
    if any(ch not in _VALUE for ch in rest):
        raise NumberError(f"not a certificate number: {text!r}")
    body, check = rest[:-1], rest[-1]
    if check_symbol(year + body) != check:
        raise NumberError(f"check symbol does not match: {text!r}")
    return f"{prefix}-{year}-{body}{check}"


def is_valid_number(text: str) -> bool:
    try:
        normalize_number(text)
    except NumberError:
        return False
    return True


def new_verification_code() -> str:
    """A fresh unguessable code of CODE_LENGTH symbols (no separators)."""
    return _random_symbols(CODE_LENGTH)


def normalize_code(text: str) -> str:
    """Upper-case, drop spaces and dashes, map look-alike letters; NumberError if malformed."""
    cleaned = re.sub(r"[\s-]", "", text).upper().translate(_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or any(ch not in _VALUE for ch in cleaned):
        raise NumberError("not a verification code")
    return cleaned


def format_code(code: str) -> str:
    """Groups of five for print: ``ABCDE-FGHJK-...``."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))
