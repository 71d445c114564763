"""What one simulated person does on launch morning, as Locust users.

Each user is a person on a phone, one after another: a new address and a new network address
(sent as X-Forwarded-For, which the stack's proxy setting believes) for each visit, a pause
of ``Plan.pause`` seconds between pages, as a person reads and types. A share of visits
(``Plan.browse_share``, a quarter) only browse: the home page, the roles list with filters, a
few roles. The rest apply: they ask for a sign-in link, read it from the SMTP sink (their own
mailbox), open it, start an application, fill in every section and the role's questions
through the real forms (the fields the tests' applicant gives, with each page's CSRF token),
skip the CV, check their answers and submit.

Every request names its step, and a response other than the one a person should see (a
redirect to the sign-in page, an error page, a 429) counts as an error. When the run's time is
up, people who are only browsing leave; those who have asked for a sign-in link finish their
application, as they would (within the run's ``--finish-seconds``), so that every submission's
confirmation can be counted.
"""

from __future__ import annotations

import itertools
import random
import re
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import FastHttpUser, task
from locust.exception import StopUser

from bench.load.smtp_sink import mailbox_name
from tests.applications.journey import SECTION_ANSWERS

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SIGN_IN_LINK = re.compile(r"(/applicant/sign-in/[A-Za-z0-9_\-]+)")
ANSWER_FIELD = re.compile(r'name="(answer_\d+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TRACKS = ["data-analysis", "development-and-integration", "ict-support", "digital-service-design"]


@dataclass
class Plan:
    """What the run's people share: where to find their email, what to apply for, and the
    tally the report reads."""

    mail_folder: Path
    role_slugs: list[str]
    pause: tuple[float, float] = (1.0, 3.0)
    browse_share: float = 0.25
    email_timeout: float = 60.0
    time_up: Event = field(default_factory=Event)
    everyone_out: Event = field(default_factory=Event)
    people: itertools.count = field(default_factory=lambda: itertools.count(1))
    run_id: str = field(default_factory=lambda: f"{random.getrandbits(32):08x}")
    submitted: set[str] = field(default_factory=set)
    signed_in: int = 0
    email_waits: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outbox: dict[str, int] = field(default_factory=dict)


class Leave(Exception):
    """This person stops here: time is up, or (with a reason) a page was not what it should
    be, which the report counts as a problem."""


class Applicant(FastHttpUser):
    """One person at a time; ``plan`` is set on the class by the run before it starts."""

    plan: Plan
    # A browser on a phone: one connection at a time, cookies kept for the visit.
    concurrency = 1
    network_timeout = 30.0
    connection_timeout = 30.0

    def wait_time(self) -> float:
        return 0.0  # the journeys pause themselves, between their steps

    def on_start(self) -> None:
        self.address = ""
        self.email = ""
        self.applying = False

    def _new_person(self) -> None:
        number = next(self.plan.people)
        self.client.cookiejar.clear()
        self.email = f"load-{self.plan.run_id}-{number}@example.com"
        self.address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
        self.applying = False

    def pause(self) -> None:
        """A person reading the page and typing: checked for the end of the run after it."""
        gevent.sleep(random.uniform(*self.plan.pause))
        if self.plan.everyone_out.is_set():
            raise Leave("stopped before finishing: the run's time to finish was over")
        if self.plan.time_up.is_set() and not self.applying:
            raise Leave

    def step(self, method: str, path: str, name: str, *, expect: int, data=None) -> str:
        """One request as the person's browser makes it; the page's text, or Leave."""
        headers = {"X-Forwarded-For": self.address}
        body = None
        if data is not None:
            headers |= FORM
            body = urlencode(data, doseq=True)
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}, not {expect}")
                raise Leave
            if expect == 302:
                return response.headers.get("Location", "")
            return response.text or ""

    def follow(self, location: str, name: str) -> str:
        """The browser following a redirect: no pause, its own entry in the report."""
        parts = urlsplit(location)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return self.step("GET", path, name, expect=200)

    @task
    def visit(self) -> None:
        self._visit(self._browse if random.random() < self.plan.browse_share else self._apply)

    def _visit(self, journey) -> None:
        if self.plan.time_up.is_set():
            raise StopUser
        self._new_person()
        try:
            journey()
        except Leave as leaving:
            if leaving.args:
                self.plan.problems.append(str(leaving.args[0]))
        if self.plan.time_up.is_set():
            raise StopUser

    def _browse(self) -> str:
        self.step("GET", "/", "home", expect=200)
        self.pause()
        tracks = random.sample(TRACKS, random.randint(1, 2))
        levels = random.sample(["2", "3", "4", "6"], random.randint(0, 2))
        query = urlencode({"track": tracks, "level": levels}, doseq=True)
        self.step("GET", f"/roles?{query}", "roles list (filtered)", expect=200)
        self.pause()
        slug = random.choice(self.plan.role_slugs)
        for other in random.sample(self.plan.role_slugs, random.randint(0, 2)):
            self.step("GET", f"/roles/{other}", "role page", expect=200)
            self.pause()
        self.step("GET", f"/roles/{slug}", "role page", expect=200)
        self.pause()
        return slug

    def _apply(self) -> None:
        slug = self._browse()
        application = self._sign_in(slug)
        self.pause()
        for section, answers in SECTION_ANSWERS.items():
            self._save_section(application, section, answers)
        self._answer_questions(application)
        page = self.step("GET", f"{application}/cv", "section page", expect=200)
        self.pause()
        self.step("POST", f"{application}/cv", "cv: skip", expect=302, data=_form(page, skip="y"))
        page = self.follow(application, "task list")
        self.pause()
        page = self.step("GET", f"{application}/check", "check your answers", expect=200)
        self.pause()
        done = self.step(
            "POST", f"{application}/check", "submit", expect=302, data=_form(page, confirm="y")
        )
        if not done.endswith("/submitted"):
            raise Leave(f"submitting went to {done}, not the submitted page")
        self.plan.submitted.add(self.email)
        self.follow(done, "submitted page")

    def _sign_in(self, slug: str) -> str:
        """From the role's "Apply" button to the new application's task list: its path."""
        start = f"/roles/{slug}/apply"
        page = self.follow(self.step("GET", start, "apply", expect=302), "sign-in page")
        self.pause()
        self.step(
            "POST",
            f"/applicant/sign-in?role={slug}",
            "sign-in: send link",
            expect=200,
            data=_form(page, email=self.email),
        )
        # Someone who has asked for a link is applying: from here on they finish.
        self.applying = True
        link = self._read_sign_in_link()
        self.pause()
        location = self.step("GET", link, "sign-in: open link", expect=302)
        page = self.follow(location, "sign-in: continue page")
        self.pause()
        location = self.step(
            "POST", "/applicant/sign-in/continue", "sign-in: continue", expect=302, data=_form(page)
        )
        self.plan.signed_in += 1
        page = self.follow(location, "start page")
        self.pause()
        location = self.step("POST", start, "start application", expect=302, data=_form(page))
        self.follow(location, "task list")
        return urlsplit(location).path

    def _read_sign_in_link(self) -> str:
        """Wait for the link at the person's own mailbox, as they would check their phone."""
        box = self.plan.mail_folder / mailbox_name(self.email)
        started = time.monotonic()
        while time.monotonic() - started < self.plan.email_timeout:
            for message in sorted(box.glob("*.eml")) if box.is_dir() else []:
                found = SIGN_IN_LINK.search(_text(message))
                if found:
                    self.plan.email_waits.append(time.monotonic() - started)
                    return found.group(1)
            gevent.sleep(0.2)
        raise Leave(f"no sign-in link reached {self.email} in {self.plan.email_timeout:.0f} s")

    def _save_section(self, application: str, section: str, answers: dict) -> None:
        page = self.step("GET", f"{application}/{section}", "section page", expect=200)
        self.pause()
        self.step(
            "POST",
            f"{application}/{section}",
            "section: save",
            expect=302,
            data=_form(page, **answers),
        )
        self.follow(application, "task list")
        self.pause()

    def _answer_questions(self, application: str) -> None:
        """The role's questions, one page each; "Save and continue" leads to the next."""
        location = self.step("GET", f"{application}/questions", "questions", expect=302)
        page = self.follow(location, "question page")
        while True:
            self.pause()
            field_name = ANSWER_FIELD.search(page)
            if field_name is None:
                raise Leave(f"no answer field on {location}")
            answer = {field_name.group(1): "At college I led a group project and kept to time."}
            path = urlsplit(location).path
            location = self.step(
                "POST", path, "question: save", expect=302, data=_form(page, **answer)
            )
            if "/questions/" not in location:
                break
            page = self.follow(location, "question page")
        self.follow(location, "task list")
        self.pause()


def _form(page: str, **fields) -> dict:
    """The fields a person fills in, with the page's own CSRF token."""
    token = CSRF.search(page)
    if token is None:
        raise Leave("a form page without a CSRF token")
    return {"csrf_token": token.group(1), **fields}


def _text(path: Path) -> str:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""
