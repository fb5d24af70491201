"""`run.py cert ...` through run_cli, over an in-memory register and a real key store."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest

from certificates.cli import EXIT_BAD_SIGNATURE, EXIT_NOT_VALID, EXIT_OK, EXIT_USAGE, run_cli
from certificates.issue import IssuedCertificate, issue_certificate
from certificates.keys import KeyStatus

from .conftest import ISSUER, MemoryRegister, sample_carving, sample_identification


def _run(register: MemoryRegister, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(argv), register, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _reissue(register: MemoryRegister, supersedes: str) -> IssuedCertificate:
    issued = issue_certificate(
        sample_identification(),
        sample_carving(),
        supersedes=supersedes,
        issuer=ISSUER,
        signing_key=register.keys.signing_key(),
    )
    register.add(issued)
    return issued


def test_verify_number_and_code(register: MemoryRegister) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    code, out, _ = _run(register, "verify", issued.number.lower(), issued.code)
    assert code == EXIT_OK
    assert "signature valid" in out and f"Valid: {issued.number}" in out


def test_wrong_code_prints_exactly_what_an_unknown_number_prints(register: MemoryRegister) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    wrong = _run(register, "verify", issued.number, "0" * 20)
    unknown = _run(register, "verify", "JW-2026-000000000", issued.code)
    assert wrong == unknown
    assert wrong[0] == EXIT_NOT_VALID and "Not found" in wrong[1]


def test_superseded_certificate_says_by_whom(register: MemoryRegister) -> None:
    first = _reissue(register, "NGTC-2024-118822")
    second = _reissue(register, first.number)
    code, out, _ = _run(register, "verify", first.number, first.code)
    assert code == EXIT_NOT_VALID
    assert f"Superseded by {second.number}" in out and "Valid" not in out


def test_revoke_then_verify(register: MemoryRegister) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    code, out, _ = _run(register, "revoke", issued.number, "--reason", "wrong design recorded")
    assert code == EXIT_OK and "revoked (wrong design recorded)" in out
    code, out, _ = _run(register, "verify", issued.number, issued.code)
    assert code == EXIT_NOT_VALID and "Revoked: wrong design recorded" in out


def test_revoke_unknown_and_without_reason(register: MemoryRegister) -> None:
    assert _run(register, "revoke", "JW-2026-000000000", "--reason", "x")[0] == EXIT_NOT_VALID
    assert _run(register, "revoke", "JW-2026-000000000")[0] == EXIT_USAGE


def test_verify_file_offline(register: MemoryRegister, tmp_path: Path) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(issued.document, ensure_ascii=False), encoding="utf-8")
    code, out, _ = _run(register, "verify", "--file", str(path))
    assert code == EXIT_OK and "signature valid (active key)" in out


@pytest.mark.parametrize("field", ["massAfterCarvingMg", "photoSha256", "name"])
def test_verify_tampered_file_fails(register: MemoryRegister, tmp_path: Path, field: str) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    tampered = copy.deepcopy(issued.document)
    ident = tampered["credentialSubject"]["identification"]
    ident[field] = ident[field] + 1 if isinstance(ident[field], int) else "翡翠"
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    code, out, _ = _run(register, "verify", "--file", str(path))
    assert code == EXIT_BAD_SIGNATURE
    assert "signature does not match" in out


def test_rotation_from_the_cli_keeps_old_certificates_verifiable(
    register: MemoryRegister, tmp_path: Path
) -> None:
    old = _reissue(register, "NGTC-2024-118822")
    code, out, _ = _run(register, "keys", "rotate")
    assert code == EXIT_OK and "new active key" in out
    assert [k.status for k in register.keys.public_keys()].count(KeyStatus.RETIRED) == 1
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old.document), encoding="utf-8")
    code, out, _ = _run(register, "verify", "--file", str(path))
    assert code == EXIT_OK and "(retired key)" in out
    new = _reissue(register, old.number)
    assert new.key_id != old.key_id
    code, out, _ = _run(register, "verify", "--file", str(path))
    assert code == EXIT_NOT_VALID and f"Superseded by {new.number}" in out


def test_file_not_in_register_has_unknown_status(register: MemoryRegister, tmp_path: Path) -> None:
    issued = issue_certificate(
        sample_identification(),
        sample_carving(),
        supersedes="NGTC-2024-118822",
        issuer=ISSUER,
        signing_key=register.keys.signing_key(),
    )
    path = tmp_path / "c.json"
    path.write_text(json.dumps(issued.document), encoding="utf-8")
    code, out, _ = _run(register, "verify", "--file", str(path))
    assert code == EXIT_NOT_VALID and "status unknown" in out


def test_show(register: MemoryRegister) -> None:
    issued = _reissue(register, "NGTC-2024-118822")
    code, out, _ = _run(register, "show", issued.number)
    assert code == EXIT_OK
    assert "status: valid" in out and "和田玉" in out
    assert json.loads(out.split("\n", 2)[2]) == issued.document
    assert _run(register, "show", "JW-2026-000000000")[0] == EXIT_NOT_VALID


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["verify"],
        ["verify", "JW-2026-000000000"],
        ["verify", "--file", "x.json", "JW-2026-000000000", "C"],
        ["keys", "explode"],
        ["frobnicate"],
        ["verify", "--file", "/nonexistent/x.json"],
    ],
)
def test_usage_errors(register: MemoryRegister, argv: list[str]) -> None:
    code, _, err = _run(register, *argv)
    assert code == EXIT_USAGE
    assert err.startswith("run.py cert:")


def test_keys_list(register: MemoryRegister) -> None:
    code, out, _ = _run(register, "keys", "list")
    assert code == EXIT_OK
    assert out.startswith("active") and register.keys.active().key_id in out
