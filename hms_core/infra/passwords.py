"""Password and token hashing.

Passwords use argon2 (argon2-cffi). API tokens and receipt codes are long random
secrets, so a SHA-256 digest is enough to store them without the cost of argon2 on
every request.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with OWASP's recommended parameters (19 MiB, two passes, one lane): about
# 40 ms a login here, where the library's defaults (64 MiB, three passes) take 230 ms.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this keeps the time of a login with an unknown username
# close to that of a known one.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not isinstance(password, str) or not _encodable(password):
        return False  # no password that cannot be encoded was ever set
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    # surrogatepass: a secret from outside that no encoding holds still has a digest
    # (matching nothing); every real secret encodes as plain UTF-8.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_receipt_code() -> str:
    """25 characters from a 32-letter alphabet (125 bits), in groups of five."""
    chars = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def normalise_receipt_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 5] for i in range(0, len(cleaned), 5))
