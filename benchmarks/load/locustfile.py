"""Load scenario: a program's day on the production server (issue 14, "Performance under load").

Three kinds of people, in the proportions of a real program:

  caregivers (6 of 10)  open the daily care record, then tap: a bottle, a diaper, a meal, a
                        mood, now and then a nap (asleep, checked, woke up); every card comes
                        back by HTMX; the page's alerts poll every 30 s; now and then the
                        whole record page is reloaded
  families (3 of 10)    open their home page and their child's day, which polls every 4 s
  directors (1 of 10)   the plan board, the day's dashboard and the record page

Each request is named by its endpoint class (what docs/benchmarks.md reports): "tap",
"family day (poll)", "family page", "record page", "alerts (poll)", "plan board",
"dashboard" ("sign-in" is reset away: see Person._signed_in). Accounts come from benchmarks/load/prepare.py (ATTUNE_LOAD_ACCOUNTS).
Run it with benchmarks/load/run.py, which starts the server and prints the table.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS: dict[str, list[dict[str, Any]]] = json.loads(
    open(os.environ["ATTUNE_LOAD_ACCOUNTS"], encoding="utf-8").read()  # noqa: SIM115
)
_next = {kind: itertools.cycle(accounts) for kind, accounts in ACCOUNTS.items()}
_lock = threading.Lock()
_signed_in = 0  # people past their sign-in; when all are, the statistics start over

CHILD = re.compile(r'id="child-(\d+)"')
CHILD_LINK = re.compile(r'href="/children/(\d+)/day/"')
TAPS = ("diaper:wet", "diaper:bm", "diaper:wet-bm", "meal:most", "meal:some", "mood:happy",
        "mood:calm", "bottle:120", "bottle:150")  # fmt: skip
HTMX = {"HX-Request": "true"}


def account(kind: str) -> dict[str, Any]:
    with _lock:
        return dict(next(_next[kind]))


class Person(HttpUser):
    abstract = True
    kind = ""

    def on_start(self) -> None:
        # The production settings mark cookies Secure; browsers send those to
        # http://127.0.0.1, Python's cookie jar does not: unmark them before each request.
        send = self.client.request

        def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            for cookie in self.client.cookies:
                cookie.secure = False
            return send(method, url, *args, **kwargs)

        self.client.request = request  # type: ignore[method-assign]
        self.account = account(self.kind)
        self.client.get("/accounts/login/", name="sign-in")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="sign-in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {self.account['username']}: {response.status_code}")
        self._signed_in()

    def _signed_in(self) -> None:
        """The table is the steady state: once every user has signed in (each a deliberately
        slow password hash, which on 2 cores takes seconds while 50 arrive), reset the
        statistics. locust's own --reset-stats fires when the last user is spawned, before
        the sign-ins have finished."""
        global _signed_in
        with _lock:
            _signed_in += 1
            everyone = _signed_in == self.environment.runner.target_user_count
        if everyone:
            self.environment.stats.reset_all()

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    def post_htmx(self, url: str, data: dict[str, str], name: str) -> Any:
        return self.client.post(url, data, headers={**HTMX, "X-CSRFToken": self.csrf()}, name=name)


class Caregiver(Person):
    weight = 6
    kind = "caregivers"
    wait_time = between(2, 6)  # a tap every few seconds, somebody's baby always needs something

    def on_start(self) -> None:
        super().on_start()
        self.record_url = f"/programs/{self.account['program']}/record/"
        self.children: list[str] = []
        self.reload()

    def reload(self) -> None:
        page = self.client.get(self.record_url, name="record page")
        self.children = CHILD.findall(page.text) or self.children

    @task(20)
    def tap(self) -> None:
        if not self.children:
            self.reload()
            return
        child = random.choice(self.children)
        self.post_htmx(f"/children/{child}/record/log/", {"tap": random.choice(TAPS)}, "tap")

    @task(2)
    def nap(self) -> None:
        if not self.children:
            return
        child = random.choice(self.children)
        with self.client.post(
            f"/children/{child}/record/log/", {"tap": "nap"},
            headers={**HTMX, "X-CSRFToken": self.csrf()}, name="tap", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 400 and "asleep" in response.text:
                response.success()  # a colleague put the baby down a moment ago
                return
        check = re.search(r'formaction="(/care/entries/\d+/check/)"', response.text)
        end = re.search(r'formaction="(/care/entries/\d+/end/)"', response.text)
        if check and end:
            self.post_htmx(check.group(1), {}, "tap")
            self.post_htmx(end.group(1), {}, "tap")

    @task(3)
    def alerts(self) -> None:
        self.client.get(f"{self.record_url}?part=alerts", headers=HTMX, name="alerts (poll)")

    @task(1)
    def whole_page(self) -> None:
        self.reload()


class Family(Person):
    weight = 3
    kind = "families"
    wait_time = between(3.5, 4.5)  # the day page polls every 4 s

    def on_start(self) -> None:
        super().on_start()
        home = self.client.get("/family/", name="family page")
        self.children = CHILD_LINK.findall(home.text)

    @task(12)
    def poll(self) -> None:
        if self.children:
            child = random.choice(self.children)
            self.client.get(f"/children/{child}/day/", headers=HTMX, name="family day (poll)")

    @task(1)
    def open_day(self) -> None:
        if self.children:
            self.client.get(f"/children/{random.choice(self.children)}/day/", name="family page")
        else:
            self.client.get("/family/", name="family page")


class Director(Person):
    weight = 1
    kind = "directors"
    wait_time = between(3, 8)

    @task(4)
    def board(self) -> None:
        self.client.get(f"/programs/{self.account['program']}/plan/", name="plan board")

    @task(2)
    def dashboard(self) -> None:
        self.client.get(f"/programs/{self.account['program']}/", name="dashboard")

    @task(1)
    def record(self) -> None:
        self.client.get(f"/programs/{self.account['program']}/record/", name="record page")
