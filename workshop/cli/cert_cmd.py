"""``python run.py cert show|verify|revoke|keys ...``: the plain ``certificates.cli`` on the
workshop's database and key store (``Settings.keys_dir``)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from certificates import CertificateRecord, KeyStore
from certificates.cli import run_cli
from jobs import certificates as certs
from workshop.config import Settings

__all__ = ["DbCertificateStore", "main"]


class DbCertificateStore:
    """``certificates.cli.CertificateStore`` on the database: one session per call."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings,
                 operator: str | None = None) -> None:
        self._factory = factory
        self._keys = certs.keystore(settings)
        self._operator = operator or f"cli:{getpass.getuser()}"

    @property
    def keys(self) -> KeyStore:
        return self._keys

    def find(self, number: str) -> CertificateRecord | None:
        with self._factory() as session:
            row = certs.find(session, number)
            return certs.record_of(session, row) if row is not None else None

    def revoke(self, number: str, reason: str) -> CertificateRecord:
        with self._factory() as session:
            try:
                row = certs.revoke(session, number, reason, by=self._operator)
            except certs.CertificateNotFound as exc:
                raise LookupError(str(exc)) from exc
            session.commit()
            return certs.record_of(session, row)


def main(argv: Sequence[str], settings: Settings, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    from workshop.db import make_engine, make_sessionmaker

    engine = make_engine(settings)
    try:
        store = DbCertificateStore(make_sessionmaker(engine), settings)
        try:
            return run_cli(argv, store, out=out, err=err)
        except certs.AlreadyRevoked as exc:
            (err or sys.stderr).write(f"run.py cert: {exc}\n")
            return 1
    finally:
        engine.dispose()
