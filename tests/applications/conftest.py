"""Fixtures for the applicant journey: signed-in applicants and their applications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import ApplicantFactory
from tests.helpers import csrf_token
from tracker.accounts.tokens import new_token, token_hash
from tracker.applicants.models import SignInLink
from tracker.clock import utcnow
from tracker.extensions import db


def sign_in_applicant(client, applicant, *, role_slug=None):
    """Sign in through a real link, as the applicant would from their email."""
    token = new_token()
    db.session.add(
        SignInLink(
            email=applicant.email,
            token_hash=token_hash(token),
            role_slug=role_slug,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(minutes=30),
        )
    )
    db.session.flush()
    client.get(f"/applicant/sign-in/{token}")
    return client.post(
        "/applicant/sign-in/continue",
        data={"csrf_token": csrf_token(client, "/applicant/sign-in/continue")},
    )


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def signed_in(client, applicant):
    sign_in_applicant(client, applicant)
    return applicant


@pytest.fixture
def post_form(client):
    """Post a page's form with its own CSRF token; returns the response."""

    def post(path, data, **kwargs):
        return client.post(path, data={"csrf_token": csrf_token(client, path), **data}, **kwargs)

    return post
