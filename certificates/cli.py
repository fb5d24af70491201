"""`python run.py cert show|verify|revoke|keys ...` as a plain function.

The application supplies a `CertificateStore` (its database rows behind three methods and
the file key store); this module knows nothing of how certificates are stored.

Exit codes: 0 valid / done, 1 not valid (superseded, revoked, not found, status unknown),
2 usage error, 3 signature invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from .errors import CertificateError, NumberError
from .keys import KeyStore
from .numbers import normalize_number
from .signing import verify
from .status import (
    AnswerKind,
    CertificateRecord,
    CertificateStatus,
    answer_for,
    verification_answer,
)

__all__ = [
    "CertificateStore",
    "run_cli",
    "EXIT_OK",
    "EXIT_NOT_VALID",
    "EXIT_USAGE",
    "EXIT_BAD_SIGNATURE",
]

EXIT_OK = 0
EXIT_NOT_VALID = 1
EXIT_USAGE = 2
EXIT_BAD_SIGNATURE = 3


class CertificateStore(Protocol):
    """What the CLI needs from the application."""

    @property
    def keys(self) -> KeyStore: ...

    def find(self, number: str) -> CertificateRecord | None:
        """The certificate with that number, or None."""

    def revoke(self, number: str, reason: str) -> CertificateRecord:
        """Revoke it (one transaction, audited by the application); LookupError if unknown."""


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print and sys.exit(2)
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="run.py cert", description="Certificates: show, verify, revoke, keys.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print a certificate and its status")
    show.add_argument("number")
    check = sub.add_parser("verify", help="check signature and status offline")
    check.add_argument("number", nargs="?")
    check.add_argument("code", nargs="?")
    check.add_argument("--file", type=Path, help="a certificate JSON file instead of number+code")
    revoke = sub.add_parser("revoke", help="revoke a certificate")
    revoke.add_argument("number")
    revoke.add_argument("--reason", required=True)
    keys = sub.add_parser("keys", help="signing keys")
    keys.add_argument("action", choices=("rotate", "list"))
    return parser


def _number(text: str) -> str:
    try:
        return normalize_number(text)
    except NumberError:
        return text.strip()  # an original lab certificate keeps its own numbering


def _status_line(record: CertificateRecord) -> str:
    status = CertificateStatus(record.status)
    if status is CertificateStatus.SUPERSEDED:
        return f"status: superseded by {record.superseded_by}"
    if status is CertificateStatus.REVOKED:
        return f"status: revoked ({record.revoked_reason})"
    return "status: valid"


def _show(store: CertificateStore, args: argparse.Namespace, out: TextIO) -> int:
    record = store.find(_number(args.number))
    if record is None:
        out.write(f"not found: {args.number}\n")
        return EXIT_NOT_VALID
    out.write(f"certificate {record.number}\n{_status_line(record)}\n")
    out.write(json.dumps(record.document, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _signature_ok(store: CertificateStore, document: Any, out: TextIO) -> bool:
    result = verify(document, store.keys.resolve)
    key = store.keys.get(result.key_id) if result.ok and result.key_id else None
    status = f" ({key.status.value} key)" if key else ""
    out.write(f"signature: {result.reason}{status}; key {result.key_id or '-'}\n")
    return result.ok


def _answer_exit(kind: AnswerKind) -> int:
    return EXIT_OK if kind is AnswerKind.VALID else EXIT_NOT_VALID


def _verify_number(store: CertificateStore, number: str, code: str, out: TextIO) -> int:
    record = store.find(_number(number))
    answer = answer_for(record, code)
    if record is not None and answer.kind is not AnswerKind.NOT_FOUND:
        if not _signature_ok(store, record.document, out):
            return EXIT_BAD_SIGNATURE
    out.write(answer.message + "\n")
    return _answer_exit(answer.kind)


def _verify_file(store: CertificateStore, path: Path, out: TextIO) -> int:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _UsageError(f"cannot read {path}: {exc}") from exc
    if not _signature_ok(store, document, out):
        return EXIT_BAD_SIGNATURE
    subject = document.get("credentialSubject") or {}
    number = str(subject.get("certificateNumber", ""))
    record = store.find(number)
    if record is None:
        out.write(f"status unknown: {number} is not in this register\n")
        return EXIT_NOT_VALID
    if record.document != document:
        out.write(f"note: the register holds a different document for {number}\n")
    # The operator holds the register, so no code is needed here.
    answer = verification_answer(record, code_ok=True)
    out.write(answer.message + "\n")
    return _answer_exit(answer.kind)


def _verify(store: CertificateStore, args: argparse.Namespace, out: TextIO) -> int:
    if args.file is not None:
        if args.number or args.code:
            raise _UsageError("give either --file or a number and its code, not both")
        return _verify_file(store, args.file, out)
    if not (args.number and args.code):
        raise _UsageError("verify needs a number and its code, or --file PATH")
    return _verify_number(store, args.number, args.code, out)


def _revoke(store: CertificateStore, args: argparse.Namespace, out: TextIO) -> int:
    if not args.reason.strip():
        raise _UsageError("a revocation needs a reason")
    try:
        record = store.revoke(_number(args.number), args.reason.strip())
    except LookupError:
        out.write(f"not found: {args.number}\n")
        return EXIT_NOT_VALID
    out.write(f"certificate {record.number}\n{_status_line(record)}\n")
    return EXIT_OK


def _keys(store: CertificateStore, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "rotate":
        info = store.keys.rotate()
        out.write(f"new active key: {info.key_id}\n")
    for key in store.keys.public_keys():
        retired = f" retired {key.retired}" if key.retired else ""
        out.write(f"{key.status.value:8} {key.key_id} created {key.created}{retired}\n")
    return EXIT_OK


_COMMANDS = {"show": _show, "verify": _verify, "revoke": _revoke, "keys": _keys}


def run_cli(
    argv: Sequence[str],
    store: CertificateStore,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one `cert` command (argv without the leading "cert"); returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(list(argv))
        return _COMMANDS[args.command](store, args, out)
    except _UsageError as exc:
        err.write(f"run.py cert: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help: argparse printed it and wants to exit
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except CertificateError as exc:
        err.write(f"run.py cert: {exc}\n")
        return EXIT_NOT_VALID
