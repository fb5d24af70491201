"""Signing keys on files in a directory outside the database (e.g. ``instance/keys/``).

Layout, one pair of files per key, named by the key's public Multikey (``z6Mk...``):

    <dir>/<multikey>.json      public: key id, public Multikey, status, created, retired
    <dir>/<multikey>.key.pem   private (PKCS#8 PEM, mode 0600) -- the active key only

Rotation makes a new active key and retires the previous one: its public record stays, so
every certificate it signed still verifies, while its private file is deleted so it can sign
nothing more. A process that only verifies (the web process) needs nothing but the ``.json``
files; those can be copied to a host that never sees a private key.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import KeyNotFound, KeyStoreError
from .multibase import decode_public_multikey, did_key_id, encode_public_multikey
from .signing import SigningKey

__all__ = ["KeyStatus", "PublicKeyInfo", "KeyStore"]

_PRIVATE_MODE = 0o600
_DIR_MODE = 0o700


class KeyStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


@dataclass(frozen=True)
class PublicKeyInfo:
    key_id: str
    public_multikey: str
    status: KeyStatus
    created: str
    retired: str | None = None

    def public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(decode_public_multikey(self.public_multikey))

    def to_json(self) -> dict[str, str | None]:
        return {**asdict(self), "status": self.status.value}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # the umask must not widen or narrow what we asked for
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class KeyStore:
    """Ed25519 certificate keys in `directory`; see the module docstring for the layout."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    # -- reading ---------------------------------------------------------------------------
    def public_keys(self) -> list[PublicKeyInfo]:
        """Every key, active and retired, oldest first."""
        if not self.directory.is_dir():
            return []
        infos = [self._load_info(p) for p in self.directory.glob("z*.json")]
        return sorted(infos, key=lambda i: (i.created, i.public_multikey))

    def get(self, key_id: str) -> PublicKeyInfo:
        for info in self.public_keys():
            if info.key_id == key_id:
                return info
        raise KeyNotFound(f"no key {key_id!r} in {self.directory}")

    def resolve(self, key_id: str) -> Ed25519PublicKey | None:
        """Resolver for `signing.verify`: the public key of a known key id, else None."""
        try:
            return self.get(key_id).public_key()
        except KeyNotFound:
            return None

    def active(self) -> PublicKeyInfo:
        actives = [i for i in self.public_keys() if i.status is KeyStatus.ACTIVE]
        if not actives:
            raise KeyNotFound(f"no active key in {self.directory}: run `cert keys rotate`")
        if len(actives) > 1:
            raise KeyStoreError(f"more than one active key in {self.directory}")
        return actives[0]

    def signing_key(self) -> SigningKey:
        """The active private key; refuses a private file readable by group or others."""
        info = self.active()
        path = self._private_path(info.public_multikey)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise KeyNotFound(f"private key of {info.key_id} is not on this host") from None
        if stat.S_IMODE(st.st_mode) & 0o077:
            raise KeyStoreError(f"{path} is readable by others: chmod 600 it")
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyStoreError(f"{path} is not an Ed25519 key")
        return SigningKey(info.key_id, private)

    # -- changing --------------------------------------------------------------------------
    def rotate(self) -> PublicKeyInfo:
        """Make a new active key; the previous active key (if any) becomes retired."""
        with self._locked():
            previous = [i for i in self.public_keys() if i.status is KeyStatus.ACTIVE]
            info = self._generate()
            for old in previous:
                retired = PublicKeyInfo(
                    old.key_id, old.public_multikey, KeyStatus.RETIRED, old.created, _now()
                )
                self._save_info(retired)
                self._private_path(old.public_multikey).unlink(missing_ok=True)
            return info

    def ensure_active(self) -> PublicKeyInfo:
        """The active key, generating the first one if the store is empty."""
        try:
            return self.active()
        except KeyNotFound:
            return self.rotate()

    # -- files -----------------------------------------------------------------------------
    def _generate(self) -> PublicKeyInfo:
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        multikey = encode_public_multikey(raw)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_atomic(self._private_path(multikey), pem, _PRIVATE_MODE)
        info = PublicKeyInfo(did_key_id(multikey), multikey, KeyStatus.ACTIVE, _now())
        self._save_info(info)
        return info

    def _private_path(self, multikey: str) -> Path:
        return self.directory / f"{multikey}.key.pem"

    def _save_info(self, info: PublicKeyInfo) -> None:
        data = json.dumps(info.to_json(), indent=2, sort_keys=True).encode() + b"\n"
        _write_atomic(self.directory / f"{info.public_multikey}.json", data, 0o644)

    def _load_info(self, path: Path) -> PublicKeyInfo:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return PublicKeyInfo(
                raw["key_id"],
                raw["public_multikey"],
                KeyStatus(raw["status"]),
                raw["created"],
                raw.get("retired"),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise KeyStoreError(f"unreadable key record {path}: {exc}") from exc

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # Two operators rotating at once must not leave two active keys.
        self.directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
