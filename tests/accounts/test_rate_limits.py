"""Guessing passwords is throttled per account, even with the limiter's Redis down."""

from __future__ import annotations

import pytest

from tests.conftest import rolled_back
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token
from tests.mail import RedisServer


def _guess(client, email: str, password: str = "wrong password, again"):
    return client.post(
        "/staff/sign-in",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(client, "/staff/sign-in"),
        },
    )


def test_the_eleventh_wrong_password_is_throttled_with_a_clear_message(client):
    victim = UserFactory()

    answers = [_guess(client, victim.email).status_code for _ in range(11)]

    assert answers == [200] * 10 + [429]
    page = _guess(client, victim.email)
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)
    assert page.headers.get("Retry-After")
    # The right password does not get through while the account is throttled.
    assert _guess(client, victim.email, PASSWORD).status_code == 429


def test_throttling_one_account_leaves_another_alone(client):
    victim, bystander = UserFactory(), UserFactory()
    for _ in range(11):
        _guess(client, victim.email)

    assert _guess(client, bystander.email, PASSWORD).status_code == 302


@pytest.fixture
def limiter_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.mark.slow  # a Redis of its own
def test_with_the_limiters_redis_down_guessing_is_still_throttled(make_app, limiter_redis):
    app = make_app(
        RATELIMIT_STORAGE_URI=limiter_redis.url, SIGN_IN_LIMIT_PER_IP="10000 per 15 minutes"
    )
    with rolled_back(app):  # its failed sign-ins are audited; keep them out of other tests
        victim = UserFactory()
        client = app.test_client()
        assert _guess(client, victim.email).status_code == 200

        limiter_redis.stop()
        answers = [_guess(client, victim.email).status_code for _ in range(11)]

    assert 500 not in answers
    assert answers[-1] == 429
    assert answers.count(200) <= 10
