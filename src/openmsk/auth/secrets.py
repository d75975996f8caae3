"""Password hashing, random tokens stored only as hashes, and signed expiring links."""

import hashlib
import os
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

def _make_hasher() -> PasswordHasher:
    # The test suite hashes hundreds of passwords; it opts into argon2-cffi's CHEAPEST profile, which
    # production refuses (OPENMSK_ENV=production always gets the RFC 9106 low-memory default).
    if os.environ.get("OPENMSK_PASSWORD_HASH_PROFILE") == "cheap" and os.environ.get("OPENMSK_ENV") != "production":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()
# Verified when the email is unknown so that a miss costs as much as a hit (no user enumeration).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always does one full argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """A random 256-bit URL-safe token."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the current hash; a reset link dies once the password changes."""
    return hashlib.sha256((password_hash or "unset").encode()).hexdigest()[:16]


class LinkSigner:
    """Signs and checks expiring links (password reset, invitation) with the secret key."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="openmsk-links")

    def sign(self, purpose: str, user_id: str, fingerprint: str) -> str:
        """A token for one purpose and user, bound to the password fingerprint."""
        return self._serializer.dumps({"p": purpose, "u": user_id, "f": fingerprint})

    def check(self, token: str, purpose: str, max_age_s: int) -> tuple[str, str] | None:
        """The (user id, fingerprint) of a valid, unexpired token for the purpose, else None."""
        try:
            data = self._serializer.loads(token, max_age=max_age_s)
        except (SignatureExpired, BadSignature):
            return None
        if not isinstance(data, dict) or data.get("p") != purpose:
            return None
        return data.get("u"), data.get("f")
