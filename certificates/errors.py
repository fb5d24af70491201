"""Every exception the certificates package raises, small and named in one place."""

from __future__ import annotations

__all__ = [
    "CertificateError",
    "ContentError",
    "FloatNotAllowed",
    "NumberError",
    "EncodingError",
    "SigningError",
    "KeyStoreError",
    "KeyNotFound",
    "FontNotFound",
    "ImageError",
]


class CertificateError(Exception):
    """Base class: anything the certificates package refuses, with the reason."""


class ContentError(CertificateError, ValueError):
    """The certificate's content is incomplete or malformed."""


class FloatNotAllowed(ContentError):
    """A float reached the signed content: numbers are strings or integers (mass in mg)."""

    def __init__(self, path: str, value: float) -> None:
        super().__init__(
            f"{path}: float {value!r} is not allowed in signed content; "
            "use an integer (mass in mg) or a decimal string"
        )
        self.path = path
        self.value = value


class NumberError(CertificateError, ValueError):
    """A certificate number or verification code is malformed (bad form or check character)."""


class EncodingError(CertificateError, ValueError):
    """A multibase / multikey value cannot be decoded."""


class SigningError(CertificateError):
    """A document cannot be signed (already carries a proof, wrong key type, ...)."""


class KeyStoreError(CertificateError):
    """The key directory is missing, unreadable, or has unsafe permissions."""


class KeyNotFound(KeyStoreError, LookupError):
    """No key with that id in the key store (or no active signing key)."""


class FontNotFound(CertificateError):
    """No TrueType CJK font to embed: the PDF would not show Chinese on a viewer without one."""


class ImageError(CertificateError, ValueError):
    """A photo or design image cannot be read."""
