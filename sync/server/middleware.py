"""ASGI middleware: request body size limit and gzip-compressed request bodies; gzip
compression of answers except the public pages'."""

from __future__ import annotations

import asyncio
import zlib
from typing import Any

import orjson
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.errors import ApiError
from sync.server.http import busy_response

#: The largest body (sent or inflated) taken from a caller without a valid token.
#: A login is a few hundred bytes; anything bigger needs a session first, so an
#: anonymous client cannot make the server buffer or inflate megabytes.
PUBLIC_MAX_BYTES = 64 * 1024
#: ``scope["state"]`` key of ``(token, actor)`` when the body's size made this middleware
#: check the bearer token: the route's dependency (:func:`sync.server.deps.current_actor`)
#: takes that caller instead of looking the same token up a second time (every push
#: of some hundred supporters or more).
AUTHENTICATED = "silon_authenticated"


async def _send_error(
    send: Send, status: int, code: str, message: str, answer: dict[str, Any] | None = None
) -> None:
    """An error answer ``{"error": code, "message": message}`` (``answer``: the whole
    body instead, an :class:`ApiError`'s signed one)."""
    body = orjson.dumps(answer if answer is not None else {"error": code, "message": message})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 408:  # the rest of the body may still come: the connection is done
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyMiddleware:
    """Reads the request body up to ``max_bytes`` and un-gzips it if needed.

    Too large (sent or inflated) -> 413; an unknown Content-Encoding -> 415;
    broken gzip, or bytes after the gzip stream -> 400; a body that stops
    arriving for ``read_timeout`` seconds -> 408. The app then sees a plain body. A body (sent or
    inflated) over :data:`PUBLIC_MAX_BYTES` is read further only for a valid
    bearer token: without a token -> 413, with a bad or expired one -> its 401, the
    database unreachable while it is checked -> 503 busy.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        #: Seconds a body may pause between chunks (a half-sent request is answered 408).
        self.read_timeout = read_timeout

    async def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> ApiError | None:
        """None when the request carries a valid bearer token, else the error to answer."""
        scheme, _sp, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return ApiError(413, "too_large", f"body over {PUBLIC_MAX_BYTES} bytes without a login")
        state = scope["app"].state.server
        from sync.server import auth

        try:
            actor = await run_in_threadpool(
                auth.authenticate, state.engine, state.config, token.strip()
            )
        except ApiError as exc:
            return exc
        scope.setdefault("state", {})[AUTHENTICATED] = (token.strip(), actor)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        checked = False  # the bearer token was found valid

        async def allowed() -> bool:
            nonlocal checked
            if not checked:
                try:
                    refusal = await self._refusal(scope, headers)
                except OperationalError as exc:
                    # Out here the app's handlers do not see it (a plain 500 before):
                    # answered as they answer it, 503 busy.
                    await busy_response(exc)(scope, receive, send)
                    return False
                if refusal is not None:
                    answer = refusal.signed_body(scope["app"].state.server.key)
                    await _send_error(send, refusal.status, refusal.code, refusal.message, answer)
                    return False
                checked = True
            return True

        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _send_error(send, 400, "bad_request", "Content-Length is not a number")
                return
            if declared > self.max_bytes:
                await _send_error(send, 413, "too_large", f"body over {self.max_bytes} bytes")
                return
            if declared > PUBLIC_MAX_BYTES and not await allowed():
                return
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip", b""):
            await _send_error(send, 415, "bad_encoding", "only gzip request bodies are accepted")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                await _send_error(send, 408, "timeout", "the request body stopped arriving")
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_error(send, 413, "too_large", f"body over {self.max_bytes} bytes")
                return
            if size > PUBLIC_MAX_BYTES and not await allowed():
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if encoding == b"gzip":
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                body = inflater.decompress(body, PUBLIC_MAX_BYTES + 1)
                if len(body) > PUBLIC_MAX_BYTES or inflater.unconsumed_tail:
                    if not await allowed():
                        return
                    rest = inflater.decompress(
                        inflater.unconsumed_tail, self.max_bytes + 1 - len(body)
                    )
                    body += rest
                if len(body) > self.max_bytes or inflater.unconsumed_tail:
                    await _send_error(send, 413, "too_large", "inflated body too large")
                    return
                if not inflater.eof:
                    raise zlib.error("truncated gzip stream")
                if inflater.unused_data:
                    raise zlib.error("bytes after the end of the gzip stream")
            except zlib.error as exc:
                await _send_error(send, 400, "bad_gzip", f"request body is not valid gzip: {exc}")
                return
        new_headers = [
            (k, v)
            for k, v in scope["headers"]
            if k.lower() not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        new_scope: dict[str, Any] = dict(scope)
        new_scope["headers"] = new_headers
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(new_scope, replay, send)


class AnswerGZip(GZipMiddleware):
    """Starlette's GZipMiddleware for every path but ``skip`` and below it: the public
    pages send their own encodings (each with its ETag, compressed once per page
    version; :mod:`sync.server.public.encoded`)."""

    def __init__(self, app: ASGIApp, skip: str, minimum_size: int, compresslevel: int) -> None:
        super().__init__(app, minimum_size=minimum_size, compresslevel=compresslevel)
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if path.startswith(self.skip) and (
                len(path) == len(self.skip) or path[len(self.skip)] == "/"
            ):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
