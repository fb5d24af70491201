"""Fixtures for the certificates package: a key store on disk, sample content, images, and an
in-memory register standing in for the application's certificate table behind the CLI."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from certificates.content import Carving, CarvingMode, Identification
from certificates.issue import IssuedCertificate, issue_certificate
from certificates.keys import KeyStore
from certificates.status import CertificateRecord, CertificateStatus

ISSUER = "https://jade.example/issuer"
BASE_URL = "https://verify.jade.example"


def sample_identification(**changes: object) -> Identification:
    ident = Identification(
        original_number="NGTC-2024-118822",
        issuing_lab="国家珠宝玉石质量监督检验中心 NGTC",
        name="和田玉",
        treatment="天然 natural",
        mass_before_mg=52_340,
        mass_after_mg=48_115,
        shape="椭圆形 oval",
        dimensions="52.3 × 38.1 × 12.0 mm",
        colour="白色 white",
        photo_sha256="3f" * 32,
        refractive_index="1.62",
        density="2.95",
    )
    return replace(ident, **changes)  # type: ignore[arg-type]


def sample_carving(**changes: object) -> Carving:
    carving = Carving(
        design_id="D-0042",
        design_title="荷塘月色 Lotus Pond",
        designer="林晓 Lin Xiao",
        mode=CarvingMode.MACHINE,
        carved_on=date(2026, 11, 20),
        workshop="苏州玉雕工作室 Suzhou Studio",
        co_owners=("王芳 Wang Fang",),
        machine="grbl-engraver-1",
        program_sha256="a1" * 32,
        styles=("浮雕", "阴刻"),
    )
    return replace(carving, **changes)  # type: ignore[arg-type]


def png_image(colour: str, size: tuple[int, int] = (400, 300)) -> bytes:
    img = Image.new("RGB", size, colour)
    ImageDraw.Draw(img).ellipse((40, 30, size[0] - 40, size[1] - 30), outline="black", width=6)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    store = KeyStore(tmp_path / "keys")
    store.rotate()
    return store


@pytest.fixture
def issued(keys: KeyStore) -> IssuedCertificate:
    return issue_certificate(
        sample_identification(),
        sample_carving(),
        supersedes="NGTC-2024-118822",
        issuer=ISSUER,
        signing_key=keys.signing_key(),
        valid_from=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
    )


@dataclass
class MemoryRegister:
    """The application's certificate table, reduced to what `run_cli` needs."""

    keys: KeyStore
    records: dict[str, CertificateRecord] = field(default_factory=dict)

    def add(self, issued: IssuedCertificate) -> None:
        previous = self.records.get(issued.supersedes)
        if previous is not None:
            self.records[previous.number] = replace(
                previous, status=CertificateStatus.SUPERSEDED, superseded_by=issued.number
            )
        self.records[issued.number] = CertificateRecord(
            issued.number, CertificateStatus.VALID, issued.document, issued.code_digest
        )

    def find(self, number: str) -> CertificateRecord | None:
        return self.records.get(number)

    def revoke(self, number: str, reason: str) -> CertificateRecord:
        record = self.records[number]  # KeyError is a LookupError, as the protocol asks
        self.records[number] = replace(
            record, status=CertificateStatus.REVOKED, revoked_reason=reason
        )
        return self.records[number]


@pytest.fixture
def register(keys: KeyStore) -> MemoryRegister:
    return MemoryRegister(keys)
