"""Encryption at rest for names, ids, phone numbers and message bodies (42 CFR Part 2, HIPAA).

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256) under a MultiFernet: the newest key
encrypts, every configured key decrypts, so keys rotate without downtime. A number is found by a
keyed hash (HMAC-SHA256 under a key derived from each Fernet key), never by decrypting and
scanning: during a rotation a row may still carry the previous key's hash, so a lookup asks for
the hash under every configured key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class CryptoError(ValueError):
    """A key that is not a Fernet key, or data no configured key can read."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class Crypto:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise CryptoError("expected at least one encryption key")
        fernets = []
        for i, key in enumerate(keys):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise CryptoError(
                    f"key #{i + 1} is not a Fernet key (32 url-safe base64-encoded bytes; "
                    "make one with `notifier keys new`)"
                ) from None
        self.keys = tuple(k.strip() for k in keys)
        self.fernet = MultiFernet(fernets)
        self._newest = fernets[0]
        self._hash_keys = [_derive(k) for k in self.keys]

    def encrypt(self, value: str) -> str:
        return self._newest.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise CryptoError(
                "stored data cannot be decrypted with the configured keys "
                "(NOTIFIER_ENCRYPTION_KEYS / NOTIFIER_KEY_FILE)"
            ) from None

    def rotate(self, token: str) -> str:
        """The same value under the newest key (no-op if it already is)."""
        try:
            return self.fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise CryptoError(
                "a stored value cannot be decrypted with the configured keys"
            ) from None

    def lookup_hash(self, value: str) -> str:
        """The keyed hash under the newest key (what is stored)."""
        return _hmac(self._hash_keys[0], value)

    def lookup_hashes(self, value: str) -> list[str]:
        """The hash under every configured key (what a lookup may find mid-rotation)."""
        return [_hmac(k, value) for k in self._hash_keys]

    def external_id_hash(self, external_id: str) -> str:
        """The keyed hash a client is found by from their external id (what is stored)."""
        return self.lookup_hash(EXTERNAL_ID_DOMAIN + external_id)

    def external_id_hashes(self, external_id: str) -> list[str]:
        """The external id's hash under every configured key (for lookups mid-rotation)."""
        return self.lookup_hashes(EXTERNAL_ID_DOMAIN + external_id)

    def derive(self, purpose: bytes) -> bytes:
        """A 32-byte key for ``purpose`` derived from the newest key (HKDF-SHA256): another
        key for another job, which reveals nothing about the encryption key."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
            base64.urlsafe_b64decode(self.keys[0].encode())
        )

    def is_current(self, token: str) -> bool:
        """Whether a token was made with the newest key."""
        try:
            self._newest.decrypt(token.encode())
            return True
        except InvalidToken:
            return False


# Hashed ahead of an external id, so its hash can never equal a phone number's (a roster id may
# be all digits): the two lookups share keys but not values.
EXTERNAL_ID_DOMAIN = "external_id\x00"


def _derive(key: str) -> bytes:
    # A separate key for hashing, so the hash reveals nothing about the encryption key.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"notifier phone lookup"
    ).derive(base64.urlsafe_b64decode(key.encode()))


def _hmac(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
