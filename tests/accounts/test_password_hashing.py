"""Passwords are hashed with RFC 9106's argon2id profile wherever the service is deployed; only
the test environment hashes cheaply, and a hash with other parameters is upgraded at the next
sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

from tests.factories import UserFactory
from tracker.accounts import passwords
from tracker.accounts.sessions import find_user_for_sign_in
from tracker.extensions import db

PASSWORD = "three random words here"


def test_a_deployment_hashes_with_rfc_9106(make_app):
    # Development and production alike: only TRACKER_ENV=test chooses other parameters.
    app = make_app(TRACKER_ENV="production")
    with app.app_context():
        hashed = passwords.hash_password(PASSWORD)
        assert extract_parameters(hashed) == passwords.STANDARD
        assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert passwords.verify_password(hashed, PASSWORD)
        assert not passwords.verify_password(hashed, PASSWORD + "!")
        assert not passwords.needs_rehash(hashed)


def test_only_the_test_environment_hashes_cheaply(app):
    hashed = passwords.hash_password(PASSWORD)
    assert extract_parameters(hashed) == passwords.TEST_ONLY
    assert passwords.verify_password(hashed, PASSWORD)


def test_a_weaker_hash_is_upgraded_when_its_owner_next_signs_in(make_app):
    app = make_app(TRACKER_ENV="production")
    with app.app_context():
        weak = PasswordHasher.from_parameters(passwords.TEST_ONLY).hash(PASSWORD)
        user = UserFactory(password_hash=weak)
        db.session.flush()

        assert find_user_for_sign_in(email=user.email, password=PASSWORD + "?") is None
        assert user.password_hash == weak, "a wrong password must change nothing"

        assert find_user_for_sign_in(email=user.email, password=PASSWORD) == user
        assert extract_parameters(user.password_hash) == passwords.STANDARD
        assert passwords.verify_password(user.password_hash, PASSWORD)


def test_an_unknown_email_is_checked_against_a_hash_all_the_same(make_app):
    app = make_app(TRACKER_ENV="production")
    with app.app_context():
        assert not passwords.verify_password(None, PASSWORD)
        assert not passwords.verify_password("not a hash at all", PASSWORD)
        dummy = passwords._hashing().dummy_hash
        assert extract_parameters(dummy) == passwords.STANDARD
