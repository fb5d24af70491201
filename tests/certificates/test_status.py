"""Verification answers: valid / superseded by N / revoked (reason) / not found, and a wrong
code that cannot be told apart from an unknown number."""

from __future__ import annotations

import hmac
from dataclasses import replace

import pytest

from certificates.issue import IssuedCertificate
from certificates.numbers import format_code
from certificates.status import (
    AnswerKind,
    CertificateRecord,
    CertificateStatus,
    answer_for,
    code_matches,
    public_content,
    verification_answer,
)


@pytest.fixture
def record(issued: IssuedCertificate) -> CertificateRecord:
    return CertificateRecord(
        issued.number, CertificateStatus.VALID, issued.document, issued.code_digest
    )


def _other_code(code: str) -> str:
    return ("0" if code[0] != "0" else "1") + code[1:]


def test_valid_with_the_right_code(record: CertificateRecord, issued: IssuedCertificate) -> None:
    answer = answer_for(record, issued.code)
    assert answer.kind is AnswerKind.VALID
    assert answer.number == issued.number
    assert answer.content["certificateNumber"] == issued.number
    assert answer.to_json()["status"] == "valid"


def test_printed_code_with_dashes_and_lower_case_is_accepted(
    record: CertificateRecord, issued: IssuedCertificate
) -> None:
    assert answer_for(record, format_code(issued.code).lower()).kind is AnswerKind.VALID


def test_superseded_says_by_whom_never_valid(
    record: CertificateRecord, issued: IssuedCertificate
) -> None:
    old = replace(record, status=CertificateStatus.SUPERSEDED, superseded_by="JW-2027-NEW")
    answer = answer_for(old, issued.code)
    assert answer.kind is AnswerKind.SUPERSEDED
    assert answer.superseded_by == "JW-2027-NEW"
    assert "Superseded by JW-2027-NEW" in answer.message
    assert "valid" not in answer.to_json()["status"]


def test_revoked_gives_the_reason(record: CertificateRecord, issued: IssuedCertificate) -> None:
    revoked = replace(record, status="revoked", revoked_reason="mass recorded wrongly")
    answer = answer_for(revoked, issued.code)
    assert answer.kind is AnswerKind.REVOKED
    assert answer.reason == "mass recorded wrongly"
    assert answer.to_json()["reason"] == "mass recorded wrongly"


@pytest.mark.parametrize("status", list(CertificateStatus))
def test_wrong_code_answers_exactly_like_an_unknown_number(
    record: CertificateRecord, issued: IssuedCertificate, status: CertificateStatus
) -> None:
    stored = replace(record, status=status, superseded_by="JW-2027-NEW", revoked_reason="fraud")
    wrong_code = answer_for(stored, _other_code(issued.code))
    malformed_code = answer_for(stored, "not a code")
    unknown_number = answer_for(None, issued.code)
    assert wrong_code == unknown_number == malformed_code
    assert wrong_code.kind is AnswerKind.NOT_FOUND
    assert (
        wrong_code.to_json()
        == unknown_number.to_json()
        == {"status": "not_found", "message": "未找到 Not found"}
    )


def test_wrong_code_and_unknown_number_do_the_same_comparison_work(
    record: CertificateRecord, issued: IssuedCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same answer is not enough: the work done must not depend on whether the number exists.
    calls: list[tuple[int, int]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    answer_for(record, _other_code(issued.code))
    wrong = list(calls)
    calls.clear()
    answer_for(None, issued.code)
    assert wrong == calls == [(64, 64)]


def test_code_matches_never_accepts_without_a_record(issued: IssuedCertificate) -> None:
    assert code_matches(issued.code_digest, issued.code)
    assert not code_matches(None, issued.code)
    assert not code_matches(issued.code_digest, _other_code(issued.code))


def test_verification_answer_is_not_found_whenever_the_code_is_wrong(
    record: CertificateRecord,
) -> None:
    assert verification_answer(record, code_ok=False).kind is AnswerKind.NOT_FOUND
    assert verification_answer(None, code_ok=True).kind is AnswerKind.NOT_FOUND


def test_public_content_is_a_whitelist(issued: IssuedCertificate) -> None:
    document = dict(issued.document)
    document["credentialSubject"] = {
        **document["credentialSubject"],
        "customer": {"name": "张三", "phone": "138-0000-0000"},
    }
    document["customerEmail"] = "zhang@example.com"
    content = public_content(document)
    text = repr(content)
    assert "张三" not in text and "138-0000-0000" not in text and "zhang@" not in text
    assert content["identification"]["name"] == "和田玉"
    assert content["keyId"] == issued.key_id
