"""A large request's bearer token is looked up once: the body middleware, which must
check it before reading a body over PUBLIC_MAX_BYTES, hands the caller it found to
the route's dependency."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.security import HTTPAuthorizationCredentials

from sync.server import auth, deps
from sync.server.accounts import add_user
from sync.server.errors import ApiError
from sync.server.middleware import AUTHENTICATED, PUBLIC_MAX_BYTES, BodyMiddleware
from sync.server.roles import Role
from tests.unit.server.support import fresh_state


def test_a_large_body_authenticates_its_token_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_state() as state:
        add_user(state.engine, state.config, "t", "op1", "rahasia-1", Role.KABKOTA, "32.14")
        token = auth.login(
            state.engine, state.config, "op1", "rahasia-1", "pc-1", None, "10.0.0.1"
        ).token
        lookups: list[str] = []
        real = auth.authenticate

        def counted(engine: Any, config: Any, tok: str | None) -> Any:
            lookups.append(str(tok))
            return real(engine, config, tok)

        monkeypatch.setattr(auth, "authenticate", counted)
        app_state = SimpleNamespace(server=state)
        seen: dict[str, Any] = {}

        async def route(scope: Any, receive: Any, send: Any) -> None:
            request = SimpleNamespace(scope=scope, app=SimpleNamespace(state=app_state))
            creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
            seen["actor"] = await deps.current_actor(request, creds)  # type: ignore[arg-type]
            other = HTTPAuthorizationCredentials(scheme="Bearer", credentials="other")
            with pytest.raises(ApiError):  # another token is still looked up (and refused)
                await deps.current_actor(request, other)  # type: ignore[arg-type]

        body = b" " * (PUBLIC_MAX_BYTES + 10)
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/v1/push",
            "headers": [
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-length", str(len(body)).encode()),
            ],
            "app": SimpleNamespace(state=app_state),
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(_message: Any) -> None:
            raise AssertionError("nothing refused")

        asyncio.run(BodyMiddleware(route, max_bytes=10 * PUBLIC_MAX_BYTES)(scope, receive, send))
        assert seen["actor"].username == "op1" and seen["actor"].device_id == "pc-1"
        assert lookups == [token, "other"]
        assert scope["state"][AUTHENTICATED][0] == token
