"""Tokens for the test world's personas, and a client that sends them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from attune.api import tokens
from tests.conftest import PERSONAS, World

API = "/api/v1"


def token_for(world: World, persona: str, scope: str = "write", program: Any = None) -> str:
    _token, raw = tokens.issue(
        user=world.users[persona], name=f"{persona} test", scope=scope, days=30, program=program
    )
    return raw


class ApiClient:
    """Django's test client with a bearer token (None: no token)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(API + path, query, headers=self.headers)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.post(
            API + path, body, content_type="application/json", headers={**self.headers, **headers}
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            API + path, body, content_type="application/json", headers=self.headers
        )


def clients(world: World) -> dict[str, ApiClient]:
    """One client per persona (anonymous: no token)."""
    return {p: ApiClient(token_for(world, p) if p != "anonymous" else None) for p in PERSONAS}
