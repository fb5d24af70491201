"""Customer notifications: short bilingual texts sent by e-mail and by a signed webhook.

The outbox calls :func:`deliver` with a notification kind and a payload written at the time of
the transition. Each channel is a :class:`Notifier`; a channel that is not configured (no SMTP
host, no webhook URL, no customer e-mail) is skipped, and a channel that fails raises
:class:`DeliveryError` so the outbox retries it later. Nothing here touches the database, so a
slow or broken mail server can never hold a job's transaction open.

Payload keys (all strings unless noted; only ``order_ref`` and ``tracking_token`` are required,
plus what the kind needs):

- ``order_ref``, ``tracking_token``: the platform's order reference; the job's tracking token
- ``customer_name``, ``customer_email``: e-mail only, never put into the webhook
- ``pieces`` (list of str): short labels such as "玉璧 bi disc"
- ``store_name``, ``store_address``, ``pickup_code``: ready_for_pickup
- ``carrier``, ``tracking_no``: dispatched
- ``delivery_id``: a stable id (the outbox row) so the receiver can drop a retried duplicate

The webhook signature is ``X-Workshop-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>``,
the same scheme the platform's other webhooks use; :func:`verify_signature` checks it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Protocol

from workshop.config import Settings

__all__ = [
    "KINDS", "DeliveryError", "Notification", "NotificationError", "Notifier", "SmtpNotifier",
    "WebhookNotifier", "deliver", "notifiers_for", "render", "sign", "tracking_url",
    "verify_signature",
]

RECEIPT = "receipt"
CARVING_STARTED = "carving_started"
READY_FOR_PICKUP = "ready_for_pickup"
DISPATCHED = "dispatched"
KINDS = (RECEIPT, CARVING_STARTED, READY_FOR_PICKUP, DISPATCHED)

# fields each kind cannot do without: a pickup notice without its store is useless to the customer
_REQUIRED = {
    RECEIPT: (),
    CARVING_STARTED: (),
    READY_FOR_PICKUP: ("store_name",),
    DISPATCHED: ("carrier", "tracking_no"),
}
TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-Workshop-Signature"


class NotificationError(ValueError):
    """The payload cannot make a notification (unknown kind, missing field). Retrying won't help."""


class DeliveryError(Exception):
    """A channel could not deliver now (network, server refused, non-2xx). Retry later.

    ``sent`` lists the channels that did deliver before the failure, ``failed`` maps each failed
    channel to its reason, so a retry can be limited to the failed ones.
    """

    def __init__(self, message: str, *, sent: Sequence[str] = (),
                 failed: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.sent = list(sent)
        self.failed = dict(failed or {})


@dataclass(frozen=True)
class Notification:
    kind: str
    order_ref: str
    tracking_token: str
    customer_name: str = ""
    customer_email: str = ""
    pieces: tuple[str, ...] = ()
    store_name: str = ""
    store_address: str = ""
    pickup_code: str = ""
    carrier: str = ""
    tracking_no: str = ""
    delivery_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, kind: str, payload: Mapping[str, object]) -> Notification:
        if kind not in KINDS:
            raise NotificationError(f"unknown notification kind {kind!r}; known: {', '.join(KINDS)}")
        missing = [k for k in ("order_ref", "tracking_token", *_REQUIRED[kind]) if not payload.get(k)]
        if missing:
            raise NotificationError(f"{kind} notification lacks {', '.join(missing)}")
        text = {k: str(payload.get(k) or "") for k in (
            "order_ref", "tracking_token", "customer_name", "customer_email", "store_name",
            "store_address", "pickup_code", "carrier", "tracking_no", "delivery_id")}
        pieces = payload.get("pieces") or ()
        if isinstance(pieces, str):
            pieces = (pieces,)
        return cls(kind=kind, pieces=tuple(str(p) for p in pieces), **text)  # type: ignore[arg-type]


def tracking_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/track/{token}"


def render(note: Notification, settings: Settings) -> tuple[str, str]:
    """Subject and plain-text body, Chinese first then English."""
    what_zh = "、".join(note.pieces) if note.pieces else "玉器"
    what_en = ", ".join(note.pieces) if note.pieces else "jade piece"
    if note.kind == RECEIPT:
        subject = "工坊已签收您的玉器 / Your jade has arrived at the workshop"
        zh = f"您的{what_zh}已到达雕刻工坊并完成签收（订单 {note.order_ref}）。"
        en = f"Your {what_en} has arrived at the carving workshop (order {note.order_ref})."
    elif note.kind == CARVING_STARTED:
        subject = "开始雕刻 / Carving has started"
        zh = f"您的{what_zh}已开始雕刻（订单 {note.order_ref}）。"
        en = f"Carving of your {what_en} has started (order {note.order_ref})."
    elif note.kind == READY_FOR_PICKUP:
        subject = "可以取件 / Ready for pickup"
        place_zh = note.store_name + (f"（{note.store_address}）" if note.store_address else "")
        place_en = note.store_name + (f" ({note.store_address})" if note.store_address else "")
        zh = f"您的{what_zh}已完成，请到{place_zh}取件。"
        en = f"Your {what_en} is ready for pickup at {place_en}."
        if note.pickup_code:
            zh += f"取件码：{note.pickup_code}。"
            en += f" Pickup code: {note.pickup_code}."
    else:
        subject = "已发货 / Dispatched"
        zh = f"您的{what_zh}已发出：{note.carrier}，运单号 {note.tracking_no}。"
        en = f"Your {what_en} has been dispatched: {note.carrier}, tracking number {note.tracking_no}."
    link = tracking_url(settings, note.tracking_token)
    greeting = f"{note.customer_name}：\n\n" if note.customer_name else ""
    body = f"{greeting}{zh}\n查询进度：{link}\n\n{en}\nTrack your order: {link}\n"
    return subject, body


class Notifier(Protocol):
    """One delivery channel. ``applies`` says whether it should send this notification at all."""

    channel: str

    def applies(self, note: Notification) -> bool: ...

    def send(self, note: Notification) -> None: ...


class SmtpNotifier:
    channel = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def applies(self, note: Notification) -> bool:
        return bool(self.settings.smtp_host and note.customer_email)

    def message(self, note: Notification) -> EmailMessage:
        subject, body = render(note, self.settings)
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_sender
        msg["To"] = note.customer_email
        msg["Subject"] = subject
        if note.delivery_id:
            # a stable Message-ID lets the customer's mail client fold a retried duplicate
            domain = self.settings.smtp_sender.rpartition("@")[2] or "workshop.invalid"
            msg["Message-ID"] = f"<notify-{note.delivery_id}@{domain}>"
        msg.set_content(body, charset="utf-8")
        return msg

    def send(self, note: Notification) -> None:
        s = self.settings
        try:
            with self._connect() as smtp:
                if s.smtp_security == "starttls":
                    smtp.starttls(context=self._tls())  # refused by the server: not sent
                if s.smtp_username:  # config refuses a login without TLS
                    smtp.login(s.smtp_username, s.smtp_password)
                smtp.send_message(self.message(note))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"e-mail to the customer not sent: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "tls":
            return smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_S,
                                    context=self._tls())
        return smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_S)

    def _tls(self) -> ssl.SSLContext:
        """The server's certificate is verified, host name included (a private relay's CA
        comes from SMTP_CA_FILE)."""
        return ssl.create_default_context(cafile=self.settings.smtp_ca_file or None)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance_s: int = 300,
                     now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is no older than ``tolerance_s``."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return hmac.compare_digest(expected, given)


class WebhookNotifier:
    """POSTs a signed JSON notice to the platform, which relays it to WeChat or SMS.

    The body carries the order reference and the tracking link but no name, e-mail or phone:
    the platform already knows its customer.
    """

    channel = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def applies(self, note: Notification) -> bool:
        return bool(self.settings.platform_webhook_url)

    def body(self, note: Notification) -> dict[str, object]:
        _subject, text = render(replace(note, customer_name=""), self.settings)
        body: dict[str, object] = {
            "event": note.kind,
            "order_ref": note.order_ref,
            "tracking_url": tracking_url(self.settings, note.tracking_token),
            "pieces": list(note.pieces),
            "text": text,
        }
        optional = ("store_name", "store_address", "pickup_code", "carrier", "tracking_no",
                    "delivery_id")
        body.update({k: getattr(note, k) for k in optional if getattr(note, k)})
        return body

    def send(self, note: Notification) -> None:
        if not self.settings.platform_webhook_secret:
            # a signature with an empty key proves nothing: better visible in the outbox than
            # a notice the platform cannot trust
            raise DeliveryError("PLATFORM_WEBHOOK_SECRET is not set; the webhook is not sent "
                                "unsigned")
        data = json.dumps(self.body(note), ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Workshop-Event": note.kind,
            SIGNATURE_HEADER: sign(self.settings.platform_webhook_secret, int(time.time()), data),
        }
        if note.delivery_id:
            headers["X-Workshop-Delivery"] = note.delivery_id
        request = urllib.request.Request(self.settings.platform_webhook_url, data=data,
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"webhook answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook not reached: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook answered {status}")


def notifiers_for(settings: Settings) -> list[Notifier]:
    return [SmtpNotifier(settings), WebhookNotifier(settings)]


def deliver(kind: str, payload: Mapping[str, object], settings: Settings, *,
            channels: Iterable[str] | None = None, skip: Iterable[str] = (),
            notifiers: Sequence[Notifier] | None = None) -> list[str]:
    """Send notification ``kind`` on every channel that applies; return the channels that sent.

    ``channels`` limits delivery to those names; ``skip`` leaves out the ones an earlier attempt
    already delivered (so a retry of a failed webhook does not e-mail the customer twice). Every
    channel is tried even when an earlier one fails; then :class:`DeliveryError` reports both.
    """
    note = Notification.from_payload(kind, payload)
    wanted = set(channels) if channels is not None else None
    done = set(skip)
    sent: list[str] = []
    failed: dict[str, str] = {}
    for notifier in notifiers if notifiers is not None else notifiers_for(settings):
        if (wanted is not None and notifier.channel not in wanted) or notifier.channel in done \
                or not notifier.applies(note):
            continue
        try:
            notifier.send(note)
        except DeliveryError as exc:
            failed[notifier.channel] = str(exc)
        else:
            sent.append(notifier.channel)
    if failed:
        reasons = "; ".join(f"{c}: {r}" for c, r in failed.items())
        raise DeliveryError(f"{kind} notification not delivered ({reasons})", sent=sent,
                            failed=failed)
    return sent
