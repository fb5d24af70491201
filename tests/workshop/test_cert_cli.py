"""``python run.py cert show|verify|revoke|keys`` on the workshop's database and key store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from jobs import certificates as certs
from tests.jobs.conftest import world  # noqa: F401  (the workflow's small workshop)
from tests.jobs.test_certificates import certificates_of, hand_job_at_qc
from workshop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def cert(settings, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["cert", *args], settings)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def passed_qc(world, number: str) -> tuple[str, str]:  # noqa: F811
    job_id = hand_job_at_qc(world, number)
    code = world.fire(job_id, "qc_pass", "supervisor").one_time[certs.CERTIFICATE_CODE]
    return certificates_of(world, number)[-1].number, code


def test_show_and_verify_against_the_database(world, capsys):  # noqa: F811
    number, code = passed_qc(world, "NGTC-L001")
    status, out = cert(world.settings, capsys, "show", number.lower())
    assert status == 0 and number in out and "status: valid" in out
    status, out = cert(world.settings, capsys, "verify", number, code)
    assert status == 0 and "有效 Valid" in out and "signature: " in out
    status, out = cert(world.settings, capsys, "verify", number, "AAAAA-AAAAA-AAAAA-AAAAA")
    assert status == 1 and "Not found" in out
    status, out = cert(world.settings, capsys, "verify", "NGTC-L001", code)
    assert status == 1 and "Not found" in out  # the lab's number has no code of ours


def test_verify_a_file_offline_and_a_tampered_one(world, capsys, tmp_path):  # noqa: F811
    number, _code = passed_qc(world, "NGTC-L002")
    document = certificates_of(world, "NGTC-L002")[-1].document
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document, ensure_ascii=False))
    status, out = cert(world.settings, capsys, "verify", "--file", str(good))
    assert status == 0 and "有效 Valid" in out
    document["credentialSubject"]["identification"]["massAfterCarvingMg"] -= 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False))
    status, out = cert(world.settings, capsys, "verify", "--file", str(bad))
    assert status == 3 and "有效 Valid" not in out


def test_revoke_with_a_reason(world, capsys):  # noqa: F811
    number, code = passed_qc(world, "NGTC-L003")
    status, out = cert(world.settings, capsys, "revoke", number)
    assert status == 2  # --reason is required
    status, out = cert(world.settings, capsys, "revoke", number, "--reason", "mass misread")
    assert status == 0 and "revoked (mass misread)" in out
    status, out = cert(world.settings, capsys, "verify", number, code)
    assert status == 1 and "Revoked: mass misread" in out
    status, out = cert(world.settings, capsys, "revoke", number, "--reason", "again")
    assert status == 1 and "mass misread" in out
    with world.session() as s:
        row = certs.find(s, number)
        assert row.revoked_by.startswith("cli:") and row.revoked_at is not None
    status, out = cert(world.settings, capsys, "revoke", "JW-2026-00000000X", "--reason", "x")
    assert status == 1 and "not found" in out


def test_old_certificates_verify_after_a_key_rotation(world, capsys):  # noqa: F811
    number, code = passed_qc(world, "NGTC-L004")
    old_key = certs.keystore(world.settings).active().key_id
    status, out = cert(world.settings, capsys, "keys", "rotate")
    assert status == 0 and "new active key" in out and f"retired  {old_key}" in out
    status, out = cert(world.settings, capsys, "verify", number, code)
    assert status == 0 and "(retired key)" in out and "有效 Valid" in out
    newer, newer_code = passed_qc(world, "NGTC-L005")
    status, out = cert(world.settings, capsys, "verify", newer, newer_code)
    assert status == 0 and "(active key)" in out


def test_run_py_dispatches_cert(tmp_path):
    env = {**os.environ, "WORKSHOP_INSTANCE": str(tmp_path), "CERT_KEYS_DIR": str(tmp_path / "k")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "run.py", "cert", "keys", "rotate"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "new active key: did:key:z6Mk" in result.stdout
    assert len(list((tmp_path / "k").glob("z6Mk*.key.pem"))) == 1
