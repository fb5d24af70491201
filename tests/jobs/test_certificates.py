"""The certificate step at QC: signed with the workshop's key, the code shown once and only its
digest kept, the previous version superseded in the same transaction."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from certificates import AnswerKind, CertificateStatus, answer_for, code_digest, verify
from jobs import certificates as certs
from jobs.errors import GuardFailed, InvalidPayload
from workshop import artifacts
from workshop.models import Artifact, Certificate, Event, Job, Outbox


def photo_png() -> bytes:
    return certs.placeholder_png("carved bi disc", size=(64, 48))


def hand_job_at_qc(world, number: str, *, photo: bytes | None = None) -> int:
    world.piece(number)
    [job_id] = world.order(f"PO-{number}", [{"certificate_no": number, "carving_mode": "hand",
                                             "design_code": "D-CLOUD"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.520"})
    world.fire(job_id, "assign", "supervisor", {"artisan_id": world.actors["artisan"].id})
    for event in ("start", "finish"):
        world.fire(job_id, event, "artisan")
    if photo is not None:
        with world.session() as s:
            artifacts.save(s, world.settings, photo, kind="photo", filename="after.png",
                           media_type="image/png", job_id=job_id)
            s.commit()
    world.fire(job_id, "submit_qc", "artisan")
    return job_id


def certificates_of(world, number: str) -> list[Certificate]:
    with world.session() as s:
        original = s.scalar(select(Certificate).where(Certificate.number == number))
        return list(s.scalars(select(Certificate).where(
            Certificate.piece_id == original.piece_id).order_by(Certificate.version)))


def test_qc_pass_issues_a_signed_certificate_and_shows_its_code_once(world):
    photo = photo_png()
    job_id = hand_job_at_qc(world, "NGTC-C001", photo=photo)
    job = world.fire(job_id, "qc_pass", "supervisor", {"mass_after_g": "36.105"})
    code = job.one_time[certs.CERTIFICATE_CODE]

    old, new = certificates_of(world, "NGTC-C001")
    assert (old.status, old.superseded_by_id, new.supersedes_id) == ("superseded", new.id, old.id)
    assert new.number.startswith("JW-") and new.code_digest == code_digest(code)
    result = verify(new.document, certs.keystore(world.settings).resolve)
    assert result.ok and result.key_id == new.key_id
    subject = new.document["credentialSubject"]
    assert subject["supersedes"] == "NGTC-C001"
    ident = subject["identification"]
    assert (ident["massBeforeCarvingMg"], ident["massAfterCarvingMg"]) == (38520, 36105)
    assert ident["originalCertificate"] == {"number": "NGTC-C001", "issuingLab": "NGTC"}
    assert ident["photoSha256"] == hashlib.sha256(photo).hexdigest()
    carving = subject["carving"]
    assert (carving["mode"], carving["artisan"]) == ("hand", "Artisan")
    assert carving["design"]["id"] == "D-CLOUD" and carving["workshop"] == world.settings.workshop_name

    # the code is nowhere in the database but in the outbox row that prints it
    with world.session() as s:
        events = s.scalars(select(Event).where(Event.job_id == job_id)).all()
        assert all(code not in json.dumps(e.data) for e in events)
        assert code not in json.dumps(new.document) + json.dumps(new.content)
        [row] = s.scalars(select(Outbox).where(Outbox.kind == certs.RENDER_PDF)).all()
        assert row.payload == {"job_id": job_id, "number": new.number, "code": code}
        qc = s.scalar(select(Event).where(Event.job_id == job_id, Event.event == "qc_pass"))
        assert qc.data["certificate_number"] == new.number
    # a later read of the job does not show it again
    assert not getattr(world.job(job_id), "one_time", None)


def test_the_public_answer_for_the_new_and_the_old_number(world):
    job_id = hand_job_at_qc(world, "NGTC-C002", photo=photo_png())
    code = world.fire(job_id, "qc_pass", "supervisor").one_time[certs.CERTIFICATE_CODE]
    with world.session() as s:
        new = certs.find(s, certificates_of(world, "NGTC-C002")[1].number.lower())
        answer = answer_for(certs.record_of(s, new), code)
        assert answer.kind is AnswerKind.VALID and answer.number == new.number
        wrong = answer_for(certs.record_of(s, new), code[::-1])
        assert wrong.kind is AnswerKind.NOT_FOUND
        old = certs.find(s, "NGTC-C002")
        assert certs.record_of(s, old).superseded_by == new.number


def test_mass_after_carving_cannot_exceed_the_mass_before(world):
    job_id = hand_job_at_qc(world, "NGTC-C003")
    with pytest.raises(InvalidPayload, match="at most the mass before"):
        world.fire(job_id, "qc_pass", "supervisor", {"mass_after_g": "38.521"})
    assert world.job(job_id).state == "qc"
    assert [c.status for c in certificates_of(world, "NGTC-C003")] == ["valid"]


def test_without_a_photo_the_certificate_says_so_with_a_stored_image(world):
    job_id = hand_job_at_qc(world, "NGTC-C004")
    world.fire(job_id, "qc_pass", "supervisor")
    new = certificates_of(world, "NGTC-C004")[1]
    with world.session() as s:
        placeholder = s.scalar(select(Artifact).where(Artifact.job_id == job_id,
                                                      Artifact.kind == certs.PLACEHOLDER_KIND))
    ident = new.document["credentialSubject"]["identification"]
    assert ident["photoSha256"] == placeholder.sha256
    assert ident["massAfterCarvingMg"] == ident["massBeforeCarvingMg"] == 38520
    assert artifacts.read(world.settings, placeholder.sha256)[:8] == b"\x89PNG\r\n\x1a\n"


def test_machine_job_names_the_machine_and_the_program_that_ran(world, redis):
    pytest.importorskip("machines.carve", reason="the CAM entry point is not installed")
    from jobs import outbox
    from tests.jobs.test_outbox import machine_job, receive, run_queued

    job_id = machine_job(world, "NGTC-C005")
    receive(world, job_id)
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    assert world.job(job_id).state == "toolpath_ready"
    world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "cnc_operator")
    world.fire(job_id, "qc_pass", "supervisor")
    with world.session() as s:
        gcode = s.scalar(select(Artifact).where(Artifact.job_id == job_id,
                                                Artifact.kind == "gcode"))
    carving = certificates_of(world, "NGTC-C005")[1].document["credentialSubject"]["carving"]
    assert (carving["mode"], carving["machine"]) == ("machine", "ENG-1")
    assert carving["programSha256"] == gcode.sha256


def test_a_machine_job_without_its_program_does_not_pass(world):
    from tests.jobs.test_outbox import machine_job, receive

    job_id = machine_job(world, "NGTC-C006")
    receive(world, job_id)
    world.fire(job_id, "program_ready", "system", version=None)  # recorded without files
    world.fire(job_id, "assign", "supervisor", {"machine_id": world.machines["ENG-1"]})
    for event in ("start", "finish", "submit_qc"):
        world.fire(job_id, event, "cnc_operator")
    with pytest.raises(GuardFailed, match="no G-code"):
        world.fire(job_id, "qc_pass", "supervisor")
    assert world.job(job_id).state == "qc"
    assert [c.status for c in certificates_of(world, "NGTC-C006")] == ["valid"]


def test_certificates_signed_before_a_key_rotation_still_verify(world):
    first = hand_job_at_qc(world, "NGTC-C007")
    world.fire(first, "qc_pass", "supervisor")
    keys = certs.keystore(world.settings)
    old_key = keys.active().key_id
    keys.rotate()
    second = hand_job_at_qc(world, "NGTC-C008")
    world.fire(second, "qc_pass", "supervisor")
    before = certificates_of(world, "NGTC-C007")[1]
    after = certificates_of(world, "NGTC-C008")[1]
    assert before.key_id == old_key != after.key_id == keys.active().key_id
    assert verify(before.document, keys.resolve).ok and verify(after.document, keys.resolve).ok


def test_revocation_keeps_its_reason_and_is_final(world):
    job_id = hand_job_at_qc(world, "NGTC-C009")
    code = world.fire(job_id, "qc_pass", "supervisor").one_time[certs.CERTIFICATE_CODE]
    number = certificates_of(world, "NGTC-C009")[1].number
    with world.session() as s:
        with pytest.raises(ValueError, match="needs a reason"):
            certs.revoke(s, number, "  ", by="admin")
        with pytest.raises(certs.CertificateNotFound):
            certs.revoke(s, "JW-2026-00000000X", "typo", by="admin")
        certs.revoke(s, number, "mass recorded wrongly", by="user:admin")
        s.commit()
    with world.session() as s:
        row = certs.find(s, number)
        assert (row.status, row.revoked_by) == (CertificateStatus.REVOKED, "user:admin")
        answer = answer_for(certs.record_of(s, row), code)
        assert (answer.kind, answer.reason) == (AnswerKind.REVOKED, "mass recorded wrongly")
        with pytest.raises(certs.AlreadyRevoked, match="mass recorded wrongly"):
            certs.revoke(s, number, "again", by="user:admin")


def test_the_pdf_is_rendered_by_the_worker_and_the_code_scrubbed(world, redis):
    pypdf = pytest.importorskip("pypdf")
    import io

    from jobs import outbox
    from tests.jobs.test_outbox import run_queued

    job_id = hand_job_at_qc(world, "NGTC-C010", photo=photo_png())
    code = world.fire(job_id, "qc_pass", "supervisor").one_time[certs.CERTIFICATE_CODE]
    new = certificates_of(world, "NGTC-C010")[1]
    outbox.drain(world.factory, redis, world.settings)
    run_queued(redis, world.settings)
    with world.session() as s:
        [row] = s.scalars(select(Outbox).where(Outbox.kind == certs.RENDER_PDF)).all()
        assert row.status == "done", row.last_error
        assert code not in json.dumps(row.payload) and row.payload["code"] == certs.SCRUBBED
        [pdf] = s.scalars(select(Artifact).where(Artifact.job_id == job_id,
                                                 Artifact.kind == certs.PDF_KIND)).all()
        assert pdf.filename == f"{new.number}.pdf" and pdf.media_type == "application/pdf"
        assert s.get_one(Job, job_id).state == "ready_for_dispatch"
    reader = pypdf.PdfReader(io.BytesIO(artifacts.read(world.settings, pdf.sha256)))
    [attached] = reader.attachments[f"{new.number}.json"]
    assert json.loads(attached) == new.document
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert new.number in text

    # a second run of the same row (a worker killed after storing) stores nothing more
    from jobs.tasks import render_certificate_pdf

    assert render_certificate_pdf(row.id, settings=world.settings, factory=world.factory) \
        == "skipped: already rendered"


def test_design_image_is_drawn_from_the_design_paths():
    from PIL import Image

    from tests.jobs.conftest import SVG

    png = certs.design_png(SVG)
    with Image.open(__import__("io").BytesIO(png)) as image:
        pixels = image.convert("L")
        width, height = pixels.size
        dark = sum(1 for v in pixels.tobytes() if v < 128)
        centre = pixels.getpixel((width // 2, height // 2))
    # a ring of ink around a blank centre (the design is an unfilled circle)
    assert dark > 100 and centre > 200
    assert certs.design_png("<svg") != png  # unreadable: the placeholder, still a PNG


@settings(max_examples=60, deadline=None)
@given(before=st.integers(min_value=1, max_value=10**7), data=st.data())
def test_mass_after_carving_is_kept_to_the_milligram(before, data):
    from types import SimpleNamespace

    after = data.draw(st.integers(min_value=1, max_value=before))
    grams = f"{after // 1000}.{after % 1000:03d}"
    ctx = SimpleNamespace(data={"mass_after_g": grams})
    assert certs._mass_after_mg(ctx, before) == after  # type: ignore[arg-type]
    too_much = f"{(before + 1) // 1000}.{(before + 1) % 1000:03d}"
    with pytest.raises(InvalidPayload):
        certs._mass_after_mg(SimpleNamespace(data={"mass_after_g": too_much}), before)
