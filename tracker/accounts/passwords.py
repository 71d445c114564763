"""Password hashing (argon2) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Hashed once, so that checking a password for an unknown email takes as long as a known one.
_DUMMY_HASH = _hasher.hash("not a real password, only spends the same time")
MINIMUM_LENGTH = 12
_COMMON = {
    "password1234",
    "password12345",
    "qwertyuiop12",
    "123456789012",
    "letmein12345",
    "welcome12345",
    "changeme1234",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str) -> str | None:
    """Why this password will not do, in plain English, or None.

    Following NCSC advice: length over complexity (three random words work well).
    """
    if len(password) < MINIMUM_LENGTH:
        return f"Your password must be at least {MINIMUM_LENGTH} characters long"
    if len(password) > 200:
        return "Your password must be 200 characters or fewer"
    if password.lower() in _COMMON or password.lower() == email.lower():
        return "Choose a password that is harder to guess, such as three random words"
    return None
