"""Password hashing (argon2) and the rules a new password must meet."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# RFC 9106's low-memory profile (argon2-cffi's default) everywhere but the test environment,
# where argon2's cheapest parameters keep thousands of sign-ins from spending minutes in the
# hash. The choice follows TRACKER_ENV alone, so no setting can weaken a deployment's hashes.
STANDARD: Parameters = profiles.RFC_9106_LOW_MEMORY
TEST_ONLY: Parameters = profiles.CHEAPEST


@dataclass(frozen=True)
class _Hashing:
    hasher: PasswordHasher
    # Checked when the email is unknown, so that it takes as long as a known one.
    dummy_hash: str


def parameters() -> Parameters:
    """The argon2 parameters new hashes get in this app."""
    return TEST_ONLY if current_app.config.get("TRACKER_ENV") == "test" else STANDARD


def _hashing() -> _Hashing:
    """The app's hasher, made on first use (hashing is slow: not at import time)."""
    made = current_app.extensions.get("password_hashing")
    if made is None:
        hasher = PasswordHasher.from_parameters(parameters())
        made = _Hashing(hasher, hasher.hash("not a real password, only spends the same time"))
        current_app.extensions["password_hashing"] = made
    return made


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
    return _hashing().hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hashing = _hashing()
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hashing().hasher.check_needs_rehash(password_hash)


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
