"""Notifications against a real local SMTP server (aiosmtpd) and a real local HTTP receiver."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from jobs import notify
from workshop import config

SECRET = "whsec-test-0123456789"


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


class _Receiver:
    """A real HTTP server on loopback that records requests and answers with ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/workshop"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


def _settings(tmp_path: Path, **overrides: object) -> config.Settings:
    env = {"WORKSHOP_INSTANCE": str(tmp_path), "SECRET_KEY": "k"}
    values: dict[str, object] = {"public_base_url": "https://jade.example.cn",
                                 "platform_webhook_secret": SECRET}
    values.update(overrides)
    return config.load(env, **values)


PAYLOAD = {
    "order_ref": "PLAT-2026-0001",
    "tracking_token": "tok-abc123",
    "customer_name": "王芳",
    "customer_email": "wang.fang@example.cn",
    "customer_phone": "+86 138 0000 0000",
    "pieces": ["玉璧 bi disc", "玉环 ring"],
    "store_name": "和田玉坊 静安店",
    "store_address": "上海市静安区南京西路 1 号",
    "pickup_code": "482913",
    "carrier": "顺丰 SF Express",
    "tracking_no": "SF1234567890",
    "delivery_id": "outbox-17",
}


def _read_mail(raw: bytes):  # type: ignore[no-untyped-def]
    return message_from_bytes(raw, policy=policy.default)


@pytest.mark.parametrize("kind, zh, en", [
    ("receipt", "签收", "arrived at the carving workshop"),
    ("carving_started", "开始雕刻", "has started"),
    ("ready_for_pickup", "和田玉坊 静安店", "Pickup code: 482913"),
    ("dispatched", "SF1234567890", "顺丰 SF Express, tracking number SF1234567890"),
])
def test_email_is_bilingual_with_tracking_link(tmp_path, smtp, kind, zh, en) -> None:
    port, inbox = smtp
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                         smtp_sender="workshop@jade.example.cn")
    assert notify.deliver(kind, PAYLOAD, settings) == ["email"]
    assert len(inbox.messages) == 1
    mail = _read_mail(inbox.messages[0])
    body = mail.get_content()
    assert mail["To"] == "wang.fang@example.cn"
    assert mail["From"] == "workshop@jade.example.cn"
    assert "/" in mail["Subject"]  # 中文 / English
    assert zh in body and en in body
    assert "https://jade.example.cn/track/tok-abc123" in body
    assert body.index("王芳") < body.index(en)  # Chinese first


def test_no_email_address_or_no_smtp_host_sends_nothing(tmp_path, smtp) -> None:
    port, inbox = smtp
    with_host = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port)
    assert notify.deliver("receipt", {**PAYLOAD, "customer_email": ""}, with_host) == []
    assert notify.deliver("receipt", PAYLOAD, _settings(tmp_path)) == []
    assert inbox.messages == []


def test_smtp_server_down_raises_delivery_error(tmp_path) -> None:
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=_free_port())
    with pytest.raises(notify.DeliveryError) as err:
        notify.deliver("receipt", PAYLOAD, settings)
    assert err.value.sent == [] and "email" in err.value.failed


def test_webhook_is_signed_and_carries_no_personal_data(tmp_path, receiver) -> None:
    settings = _settings(tmp_path, platform_webhook_url=receiver.url)
    assert notify.deliver("dispatched", PAYLOAD, settings) == ["webhook"]
    (headers, raw), = receiver.requests
    assert notify.verify_signature(SECRET, headers["X-Workshop-Signature"], raw)
    assert not notify.verify_signature("another-secret", headers["X-Workshop-Signature"], raw)
    assert not notify.verify_signature(SECRET, headers["X-Workshop-Signature"], raw + b" ")
    body = json.loads(raw)
    assert body["event"] == "dispatched" and headers["X-Workshop-Event"] == "dispatched"
    assert body["tracking_no"] == "SF1234567890" and body["carrier"] == "顺丰 SF Express"
    assert body["tracking_url"] == "https://jade.example.cn/track/tok-abc123"
    assert headers["X-Workshop-Delivery"] == "outbox-17"
    text = raw.decode()
    for personal in ("王芳", "wang.fang@example.cn", "138 0000"):
        assert personal not in text


def test_webhook_without_a_secret_is_not_sent(tmp_path, receiver) -> None:
    settings = _settings(tmp_path, platform_webhook_url=receiver.url, platform_webhook_secret="")
    with pytest.raises(notify.DeliveryError, match="PLATFORM_WEBHOOK_SECRET"):
        notify.deliver("receipt", PAYLOAD, settings)
    assert receiver.requests == []


def test_signature_expires(tmp_path) -> None:
    header = notify.sign(SECRET, 1_000_000, b"{}")
    assert notify.verify_signature(SECRET, header, b"{}", now=1_000_100)
    assert not notify.verify_signature(SECRET, header, b"{}", now=1_000_000 + 301)
    assert not notify.verify_signature(SECRET, "garbage", b"{}")


@pytest.mark.parametrize("status", [500, 404, 302])
def test_webhook_non_2xx_raises_delivery_error(tmp_path, receiver, status) -> None:
    receiver.status = status
    settings = _settings(tmp_path, platform_webhook_url=receiver.url)
    with pytest.raises(notify.DeliveryError) as err:
        notify.deliver("receipt", PAYLOAD, settings)
    assert str(status) in str(err.value) and err.value.failed.keys() == {"webhook"}


def test_webhook_unreachable_raises_delivery_error(tmp_path) -> None:
    settings = _settings(tmp_path, platform_webhook_url=f"http://127.0.0.1:{_free_port()}/x")
    started = time.monotonic()
    with pytest.raises(notify.DeliveryError):
        notify.deliver("carving_started", PAYLOAD, settings)
    assert time.monotonic() - started < notify.TIMEOUT_S


def test_one_channel_failing_reports_the_other_as_sent(tmp_path, smtp, receiver) -> None:
    port, inbox = smtp
    receiver.status = 503
    settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                         platform_webhook_url=receiver.url)
    with pytest.raises(notify.DeliveryError) as err:
        notify.deliver("ready_for_pickup", PAYLOAD, settings)
    assert err.value.sent == ["email"] and list(err.value.failed) == ["webhook"]
    # the retry is limited to the failed channel: the customer gets one e-mail, not two
    receiver.status = 200
    assert notify.deliver("ready_for_pickup", PAYLOAD, settings,
                          channels=err.value.failed) == ["webhook"]
    assert len(inbox.messages) == 1 and len(receiver.requests) == 2


@pytest.mark.parametrize("kind, payload, reason", [
    ("birthday", PAYLOAD, "unknown notification kind"),
    ("dispatched", {"order_ref": "R", "tracking_token": "t"}, "carrier, tracking_no"),
    ("ready_for_pickup", {"order_ref": "R", "tracking_token": "t"}, "store_name"),
    ("receipt", {"order_ref": "R"}, "tracking_token"),
])
def test_unusable_payload_is_refused_before_sending(tmp_path, receiver, kind, payload,
                                                   reason) -> None:
    settings = _settings(tmp_path, platform_webhook_url=receiver.url)
    with pytest.raises(notify.NotificationError, match=reason):
        notify.deliver(kind, payload, settings)
    assert receiver.requests == []


# ---- end to end: a transition writes the outbox, a real rq worker delivers ---------------------

def _run_worker(redis, settings) -> None:
    import uuid

    from rq import SimpleWorker

    from jobs import queues, tasks

    tasks.configure(settings)
    SimpleWorker(queues.all_names(settings), connection=redis,
                 name=f"{settings.queue_prefix}notify-{uuid.uuid4().hex[:8]}").work(burst=True)


def _notify_rows(world):
    from sqlalchemy import select

    from workshop.models import Outbox

    with world.session() as s:
        return list(s.scalars(select(Outbox).where(Outbox.kind == "notify").order_by(Outbox.id)))


def test_failed_webhook_is_retried_visibly_without_blocking_the_job(world, redis, smtp,
                                                                    receiver):
    import dataclasses

    from sqlalchemy import update

    from jobs import outbox, tasks
    from workshop.models import Outbox, utcnow

    port, inbox = smtp
    receiver.status = 500
    settings = dataclasses.replace(world.settings, smtp_host="127.0.0.1", smtp_port=port,
                                   platform_webhook_url=receiver.url,
                                   platform_webhook_secret=SECRET)
    world.piece("NGTC-N-1")
    [job_id] = world.order("PO-N1", [{"certificate_no": "NGTC-N-1", "carving_mode": "hand"}])
    world.fire(job_id, "receive", "store_clerk", {"channel": "store_counter", "mass_g": "38.52"})
    try:
        assert outbox.drain(world.factory, redis, settings) == 1
        _run_worker(redis, settings)
        [row] = _notify_rows(world)
        # the e-mail went out, the webhook failed: the row waits for its retry, with the reason
        assert (row.status, row.attempts) == ("pending", 1)
        assert "webhook answered 500" in row.last_error
        assert len(inbox.messages) == 1 and len(receiver.requests) == 1
        # meanwhile the workflow goes on
        assert world.fire(job_id, "assign", "supervisor",
                          {"artisan_id": world.actors["artisan"].id}).state == "scheduled"

        receiver.status = 204
        with world.session() as s:  # the backoff has passed
            s.execute(update(Outbox).where(Outbox.id == row.id).values(next_attempt_at=utcnow()))
            s.commit()
        assert outbox.drain(world.factory, redis, settings) == 1
        _run_worker(redis, settings)
        [row] = _notify_rows(world)
        assert row.status == "done" and row.attempts == 1
        assert len(receiver.requests) == 2 and len(inbox.messages) == 1  # one e-mail only
        headers, raw = receiver.requests[-1]
        assert notify.verify_signature(SECRET, headers["X-Workshop-Signature"], raw)
        assert json.loads(raw)["event"] == "receipt"
        assert headers["X-Workshop-Delivery"] == f"outbox-{row.id}"
        mail = _read_mail(inbox.messages[0])
        assert mail["To"] == "wang@example.com" and "PO-N1" in mail.get_content()
    finally:
        tasks.configure(world.settings)
