"""The file key store: private keys 0600, rotation, retired keys still verify."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from certificates.errors import KeyNotFound, KeyStoreError
from certificates.issue import issue_certificate
from certificates.keys import KeyStatus, KeyStore
from certificates.signing import verify

from .conftest import ISSUER, sample_carving, sample_identification


def _issue(keys: KeyStore, supersedes: str = "NGTC-2024-118822"):
    return issue_certificate(
        sample_identification(),
        sample_carving(),
        supersedes=supersedes,
        issuer=ISSUER,
        signing_key=keys.signing_key(),
    )


def test_empty_store_has_no_signing_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    assert store.public_keys() == []
    with pytest.raises(KeyNotFound):
        store.signing_key()


def test_first_key_is_active_and_private_file_is_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # a careless umask must not widen the private file
    try:
        store = KeyStore(tmp_path / "keys")
        info = store.ensure_active()
    finally:
        os.umask(old_umask)
    assert info.status is KeyStatus.ACTIVE
    assert info.key_id.startswith("did:key:z6Mk")
    private = tmp_path / "keys" / f"{info.public_multikey}.key.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert store.signing_key().key_id == info.key_id
    assert store.ensure_active() == info  # does not make a second key


def test_rotation_retires_the_old_key_and_old_certificates_still_verify(keys: KeyStore) -> None:
    before = _issue(keys)
    old = keys.active()
    new = keys.rotate()
    after = _issue(keys, supersedes=before.number)

    statuses = {i.key_id: i.status for i in keys.public_keys()}
    assert statuses == {old.key_id: KeyStatus.RETIRED, new.key_id: KeyStatus.ACTIVE}
    assert keys.get(old.key_id).retired is not None
    # the retired key can sign nothing more...
    assert not (keys.directory / f"{old.public_multikey}.key.pem").exists()
    assert keys.signing_key().key_id == new.key_id
    # ...but what it signed still verifies, and the new key's work too
    old_result = verify(before.document, keys.resolve)
    assert old_result.ok and old_result.key_id == old.key_id
    assert verify(after.document, keys.resolve).key_id == new.key_id


def test_a_fresh_store_on_the_copied_public_files_verifies(keys: KeyStore, tmp_path: Path) -> None:
    # The web host gets only the public .json files: it verifies, and cannot sign.
    issued = _issue(keys)
    public_dir = tmp_path / "public-only"
    public_dir.mkdir()
    for path in keys.directory.glob("*.json"):
        (public_dir / path.name).write_bytes(path.read_bytes())
    web = KeyStore(public_dir)
    assert verify(issued.document, web.resolve).ok
    with pytest.raises(KeyNotFound):
        web.signing_key()


def test_private_key_readable_by_others_is_refused(keys: KeyStore) -> None:
    private = keys.directory / f"{keys.active().public_multikey}.key.pem"
    private.chmod(0o644)
    with pytest.raises(KeyStoreError, match="chmod 600"):
        keys.signing_key()


def test_unknown_key_id_resolves_to_none(keys: KeyStore) -> None:
    assert keys.resolve("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2") is None
    with pytest.raises(KeyNotFound):
        keys.get("nope")


def test_two_active_keys_are_an_error(keys: KeyStore) -> None:
    info = keys.active()
    record = json.loads((keys.directory / f"{info.public_multikey}.json").read_text())
    record["public_multikey"] = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    record["key_id"] = "did:key:" + record["public_multikey"]
    (keys.directory / f"{record['public_multikey']}.json").write_text(json.dumps(record))
    with pytest.raises(KeyStoreError, match="more than one active"):
        keys.active()


def test_corrupt_record_is_reported(keys: KeyStore) -> None:
    (keys.directory / "zBroken.json").write_text("{not json")
    with pytest.raises(KeyStoreError, match="zBroken"):
        keys.public_keys()
