"""E-mail through a relay that wants TLS and a login: STARTTLS on the submission port, implicit
TLS, the server's certificate verified, and never a password in clear. Real aiosmtpd servers
on loopback with a certificate made for the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jobs import notify
from tests.jobs.test_notify import PAYLOAD, _free_port, _Inbox, _settings

USER, PASSWORD = "workshop", "s3cret-relay"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA): (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.seen.append(login)
        if login == (USER, PASSWORD):
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Authentication credentials invalid")


def _server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    return context


@pytest.fixture
def relay(cert) -> Iterator[tuple[int, _Inbox, _Logins]]:
    """Submission port: STARTTLS required before anything, login required, only over TLS."""
    inbox, logins, port = _Inbox(), _Logins(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            tls_context=_server_context(cert), require_starttls=True,
                            authenticator=logins, auth_required=True, auth_require_tls=True)
    controller.start()
    try:
        yield port, inbox, logins
    finally:
        controller.stop()


def test_starttls_and_login_deliver_the_mail(tmp_path, relay, cert) -> None:
    port, inbox, logins = relay
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                         smtp_security="starttls", smtp_username=USER, smtp_password=PASSWORD,
                         smtp_ca_file=str(cert[0]))
    assert notify.deliver("receipt", PAYLOAD, settings) == ["email"]
    assert len(inbox.messages) == 1 and logins.seen == [(USER, PASSWORD)]


def test_a_relay_that_wants_tls_refuses_a_plain_session(tmp_path, relay) -> None:
    port, inbox, _ = relay
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    with pytest.raises(notify.DeliveryError, match="not sent"):
        notify.deliver("receipt", PAYLOAD, settings)
    assert inbox.messages == []


def test_an_unknown_certificate_is_refused_before_the_login(tmp_path, relay) -> None:
    port, inbox, logins = relay
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                         smtp_security="starttls", smtp_username=USER, smtp_password=PASSWORD)
    with pytest.raises(notify.DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        notify.deliver("receipt", PAYLOAD, settings)
    assert inbox.messages == [] and logins.seen == []  # the password never left


def test_a_wrong_password_is_a_delivery_error(tmp_path, relay, cert) -> None:
    port, inbox, _ = relay
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                         smtp_security="starttls", smtp_username=USER, smtp_password="wrong",
                         smtp_ca_file=str(cert[0]))
    with pytest.raises(notify.DeliveryError, match="credentials invalid"):
        notify.deliver("receipt", PAYLOAD, settings)
    assert inbox.messages == []


def test_implicit_tls_delivers_the_mail(tmp_path, cert) -> None:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            ssl_context=_server_context(cert))
    controller.start()
    try:
        settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                             smtp_security="tls", smtp_ca_file=str(cert[0]))
        assert notify.deliver("receipt", PAYLOAD, settings) == ["email"]
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("values, words", [
    ({"smtp_security": "ssl3"}, "SMTP_SECURITY must be one of"),
    ({"smtp_username": USER}, "in clear"),
])
def test_settings_refuse_an_unknown_security_and_a_login_in_clear(tmp_path, values,
                                                                   words) -> None:
    with pytest.raises(ValueError, match=words):
        _settings(tmp_path, smtp_host="127.0.0.1", **values)
