"""HTTP transport of the sync client: the only module that imports ``requests``.

One :class:`HttpTransport` per server: a ``requests.Session`` with connect and
read timeouts, TLS verification always on (a custom CA bundle from the
settings when one is set), the bearer token attached, request bodies
gzip-compressed and responses accepted gzip-compressed.

Retries (tenacity): connection errors, timeouts, 5xx and 429 are retried with
exponential back-off and full jitter; a ``Retry-After`` header is honoured
(capped). Every request the engine makes is idempotent (pushes carry mutation
ids), so retrying a request whose answer was lost is safe.

Errors the operator can act on are :class:`TransportError` subclasses, coded
errors (:class:`~silon_desktop.domain.errors.CodedError`: a code and its parameters,
worded by the UI and the command line from ``domain.wording``): :class:`Offline`
(:class:`TimedOut` when the server took too long to answer), :class:`TlsFailed`
(certificate not trusted: not retried), :class:`AuthExpired` (log in again),
:class:`Forbidden`, :class:`ServerRefused`.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import logging
import os
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

import orjson
import requests
import urllib3
from tenacity import (
    RetryCallState,
    Retrying,
    retry_base,
    retry_if_exception,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from silon_desktop.domain.errors import DetailedError, ErrorCode

log = logging.getLogger(__name__)

GZIP_MIN_BYTES = 512
MAX_RETRY_AFTER_S = 30.0


class TransportError(DetailedError):
    """An error of the link or the server that the operator is told about.

    Attributes:
        code: what went wrong (the words come from ``domain.wording``).
        detail: the technical detail, for the log (never shown as the message).
        status: the HTTP status, when there was an answer.
    """

    default_code = ErrorCode.SERVER_LINK

    def __init__(
        self,
        detail: str = "",
        *,
        status: int | None = None,
        code: ErrorCode | None = None,
        **params: str,
    ) -> None:
        super().__init__(code, detail, **params)
        self.status = status
        #: the answer's JSON body of a ``401`` or ``403`` ({} otherwise, or unreadable)
        self.answer: dict[str, Any] = {}
        #: a refused login's request and proof (set by ``ServerApi.login``), else None
        self.login_refusal: LoginRefusal | None = None


@dataclass(frozen=True, slots=True)
class LoginRefusal:
    """The server's no to ``POST /v1/auth/login?nonce=`` as it was answered: this
    request's nonce and user name, the answer's ``error`` and its ``proof``.

    The desktop locks its data on a login refusal (the typed password still opens it:
    changed elsewhere, or the account disabled) only when :meth:`proven`."""

    nonce: str
    username: str
    reason: str
    proof: str = field(default="", repr=False)

    def proven(self, pinned_key: str | None) -> bool:
        """Whether ``proof`` is the pinned key's signature of
        :func:`sync.protocol.login_refused_body` over this request: not for an answer
        without one (an older server, anyone on the path), one by another key, or one
        of another login (its nonce), nor for any answer while no key is pinned."""
        from sync import signing
        from sync.protocol import login_refused_body

        if not (pinned_key and self.nonce and self.reason and self.proof):
            return False
        body = login_refused_body(self.nonce, self.username, self.reason)
        return signing.verify(pinned_key, body, self.proof)


class Offline(TransportError):
    """The server could not be reached (no network, refused, timed out, 5xx)."""

    default_code = ErrorCode.SERVER_OFFLINE


class TimedOut(Offline):
    """The server did not answer in time (a smaller batch may get through)."""


class TlsFailed(TransportError):
    """The server's certificate could not be verified (or the CA bundle is missing)."""

    default_code = ErrorCode.TLS_FAILED


class AuthExpired(TransportError):
    """The token is missing, expired or revoked: the operator must log in again."""

    default_code = ErrorCode.AUTH_EXPIRED


class Revoked(AuthExpired):
    """The server revoked this account, its password or this device (401 ``revoked``):
    the desktop locks its data until a valid online login."""

    default_message = (
        "Akses akun ini dicabut oleh server; data di komputer ini dikunci. "
        "Masuk lagi secara daring dengan akun yang sah."
    )

    def __init__(self, detail: str = "", *, answer: Any = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        #: the answer's JSON body (its ``reason`` and ``proof``), {} when unreadable
        self.answer = answer if isinstance(answer, dict) else {}
        #: SHA-256 of the bearer token the request carried (:meth:`bind`), "" unknown
        self.token_hash = ""

    def bind(self, authorization: str | None) -> None:
        """Name the token the server refused (the request's ``Authorization`` header):
        the proof is about that token only."""
        from sync.protocol import token_sha256

        scheme, _sp, token = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            self.token_hash = token_sha256(token.strip())

    def proven(self, pinned_key: str | None) -> bool:
        """Whether the answer's ``proof`` is the pinned key's signature of
        :func:`sync.protocol.revoked_body` over the token this request carried: only
        then does the desktop erase its keys of the data (the lock). An answer without
        one (a server older than the proof, or anyone on the path answering ``401
        revoked``) is not proven, nor is any answer while no key is pinned."""
        from sync import signing
        from sync.protocol import revoked_body

        proof, reason = self.answer.get("proof"), self.answer.get("reason")
        if not (pinned_key and self.token_hash and isinstance(proof, str)):
            return False
        if not isinstance(reason, str):
            return False
        return signing.verify(pinned_key, revoked_body(self.token_hash, reason), proof)


class Forbidden(TransportError):
    """The account may not do this (role or scope)."""

    default_code = ErrorCode.FORBIDDEN


class ServerRefused(TransportError):
    """The server answered 4xx: the request itself is wrong; retrying will not help."""

    default_code = ErrorCode.SERVER_REFUSED


class _Retryable(Exception):
    """Internal: an answer worth retrying (5xx, 429), with its Retry-After."""

    def __init__(self, status: int, retry_after: float | None, body: str) -> None:
        self.status = status
        self.retry_after = retry_after
        self.body = body
        super().__init__(f"HTTP {status}")


@dataclass(slots=True)
class RetryPolicy:
    attempts: int = 6
    max_total_s: float = 60.0
    initial_s: float = 0.25
    max_wait_s: float = 8.0


@dataclass(slots=True)
class TransportStats:
    """Counters the engine and the benchmark read."""

    requests: int = 0
    retries: int = 0
    timeouts: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    last_elapsed_s: float = 0.0
    last_timed_out: bool = False


@dataclass(frozen=True, slots=True)
class EncodedBody:
    """A request body encoded ahead of its request (:func:`encode_body`).

    The push stage encodes the next batch while the current one is in flight, so
    the server's next request is ready the moment its answer comes. A transport
    sends ``data`` as it is; an in-process transport may use ``value``.
    """

    value: Any
    data: bytes = field(repr=False)
    gzipped: bool


def encode_body(body: Any) -> EncodedBody:
    """``body`` as JSON, gzip-compressed from :data:`GZIP_MIN_BYTES` on."""
    raw = orjson.dumps(body)
    if len(raw) >= GZIP_MIN_BYTES:
        return EncodedBody(body, gzip_body(raw), True)
    return EncodedBody(body, raw, False)


class Transport(Protocol):
    """What the engine needs from a transport (HTTP, or in-process in tests).

    ``body`` is JSON-ready data or an :class:`EncodedBody`.
    """

    stats: TransportStats

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        auth: bool = True,
        retry_timeouts: bool = True,
    ) -> Any:
        """Send one request and return the decoded JSON answer.

        ``retry_timeouts=False``: a read timeout raises :class:`TimedOut` at once,
        so that the caller can send a smaller request instead of the same one.
        """
        ...

    def set_token(self, token: str | None) -> None: ...


class AdaptiveBatch:
    """A batch size that follows the link: halve after a timeout, grow when fast.

    Args:
        start: the first batch size.
        minimum: never below this.
        maximum: never above this.
        fast_s: a batch answered within this many seconds counts as fast.
    """

    def __init__(
        self, start: int = 500, minimum: int = 25, maximum: int = 5000, fast_s: float = 1.0
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.fast_s = fast_s
        self.size = max(minimum, min(maximum, start))

    def record(self, elapsed_s: float, timed_out: bool) -> int:
        """Adjust after one batch and return the next size."""
        if timed_out:
            self.size = max(self.minimum, self.size // 2)
        elif elapsed_s < self.fast_s:
            self.size = min(self.maximum, self.size * 2)
        elif elapsed_s > 4 * self.fast_s:
            self.size = max(self.minimum, (self.size * 3) // 4)
        return self.size


@dataclass(slots=True)
class HttpTransport:
    """JSON over HTTP(S) with retries, gzip and a bearer token.

    Args:
        base_url: the server address, e.g. ``https://silon.kpu.go.id``.
        ca_bundle: path of a custom CA bundle (PEM); empty for the system store.
        connect_timeout_s / read_timeout_s: per attempt.
        retry: the retry policy.
        token: the bearer token, if logged in.
    """

    base_url: str
    ca_bundle: str = ""
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    token: str | None = field(default=None, repr=False)  # a secret: never in a log line
    stats: TransportStats = field(default_factory=TransportStats)
    on_retry: Callable[[str], None] | None = None
    _session: requests.Session = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._session = requests.Session()
        # Verification is never switched off; a CA bundle only changes the trust roots.
        self._session.verify = self.ca_bundle or True
        self._session.headers.update(
            {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": "silon-desktop"}
        )

    def set_token(self, token: str | None) -> None:
        self.token = token

    def close(self) -> None:
        self._session.close()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        auth: bool = True,
        retry_timeouts: bool = True,
    ) -> Any:
        """Send one request (retried as the policy says) and return its JSON answer.

        Args:
            retry_timeouts: False to give up on the first read timeout (see
                :meth:`Transport.call`).

        Raises:
            TimedOut: the server did not answer in time.
            TlsFailed: the certificate was not trusted, or the CA bundle is missing.
            Offline: the server stayed unreachable or kept failing.
            AuthExpired: 401.
            Forbidden: 403.
            ServerRefused: another 4xx.
        """
        if (
            self.base_url.startswith("https:")
            and self.ca_bundle
            and not os.path.isfile(self.ca_bundle)
        ):
            raise TlsFailed(
                f"CA bundle {self.ca_bundle} not found",
                code=ErrorCode.CA_BUNDLE_MISSING,
                path=self.ca_bundle,
            )
        data, headers = self._encode(body, auth)
        self.stats.last_timed_out = False
        started = time.monotonic()
        retryable: retry_base = retry_if_exception_type(
            (requests.ConnectionError, requests.Timeout, _Retryable)
        )
        retryable = retryable & retry_if_exception(lambda exc: not _certificate_refused(exc))
        if not retry_timeouts:
            retryable = retryable & retry_if_not_exception_type(requests.ReadTimeout)
        retrying = Retrying(
            retry=retryable,
            wait=self._wait,
            stop=stop_after_attempt(self.retry.attempts) | stop_after_delay(self.retry.max_total_s),
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            response = retrying(self._send, method, path, data, headers, params)
        except requests.ReadTimeout as exc:
            raise TimedOut(f"timeout: {exc}") from exc
        except requests.Timeout as exc:
            raise Offline(f"timeout: {exc}") from exc
        except requests.exceptions.SSLError as exc:
            if _certificate_refused(exc):
                raise TlsFailed(f"tls: {exc}") from exc
            raise Offline(f"tls: {exc}") from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise Offline(f"connection: {exc}") from exc
        except _Retryable as exc:
            raise Offline(f"HTTP {exc.status}: {exc.body[:200]}", status=exc.status) from exc
        finally:
            self.stats.last_elapsed_s = time.monotonic() - started
        return response

    def _encode(self, body: Any, auth: bool) -> tuple[bytes | None, dict[str, str]]:
        headers: dict[str, str] = {}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if body is None:
            return None, headers
        encoded = body if isinstance(body, EncodedBody) else encode_body(body)
        headers["Content-Type"] = "application/json"
        if encoded.gzipped:
            headers["Content-Encoding"] = "gzip"
        return encoded.data, headers

    def _send(
        self,
        method: str,
        path: str,
        data: bytes | None,
        headers: dict[str, str],
        params: Mapping[str, Any] | None,
    ) -> Any:
        self.stats.requests += 1
        self.stats.bytes_sent += len(data or b"")
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                data=data,
                headers=headers,
                params=dict(params) if params else None,
                timeout=(self.connect_timeout_s, self.read_timeout_s),
                # Per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
                # override the session's CA bundle, never a request's own.
                verify=self._session.verify,
                stream=True,
            )
            raw = response.raw.read(decode_content=False)
            response.raw.release_conn()
        except requests.Timeout:
            self.stats.timeouts += 1
            self.stats.last_timed_out = True
            raise
        except requests.RequestException:
            raise
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            # A body cut off or reset while read: a link fault, retried. Anything
            # else is a bug and is not passed off as "offline".
            raise requests.ConnectionError(str(exc)) from exc
        self.stats.bytes_received += len(raw)
        return self._decode(response, raw)

    def _decode(self, response: requests.Response, raw: bytes) -> Any:
        return decode_answer(
            response.status_code,
            response.headers.get("Content-Encoding", ""),
            response.headers.get("Retry-After"),
            raw,
            getattr(response.request, "headers", {}).get("Authorization"),
        )

    def _wait(self, state: RetryCallState) -> float:
        jitter = wait_random_exponential(multiplier=self.retry.initial_s, max=self.retry.max_wait_s)
        delay = float(jitter(state))
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER_S))
        return delay

    def _before_sleep(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        log.info("retrying (attempt %d) after %s", state.attempt_number, exc)
        if self.on_retry is not None:
            self.on_retry(str(exc))


def _certificate_refused(exc: BaseException) -> bool:
    """A TLS failure that retrying cannot mend (the certificate was not trusted)."""
    return isinstance(exc, requests.exceptions.SSLError) and (
        "certificate verify failed" in str(exc).lower()
    )


def gzip_body(raw: bytes) -> bytes:
    """A request body as gzip: level 5 with the filtered strategy, which suits JSON
    whose records repeat the same keys (a push of supporter creates: 99.5 bytes per
    mutation against 104.2 with the default strategy, in the same CPU time)."""
    packer = zlib.compressobj(5, zlib.DEFLATED, 31, 8, zlib.Z_FILTERED)  # 31: gzip framing
    return packer.compress(raw) + packer.flush()


def decode_answer(
    status: int,
    content_encoding: str,
    retry_after: str | None,
    raw: bytes,
    authorization: str | None = None,
) -> Any:
    """The JSON of an HTTP answer, or the error it stands for (``authorization``: the
    request's header, which a ``401 revoked`` is bound to: :meth:`Revoked.proven`).

    Raises:
        _Retryable: 5xx or 429 (retried by :class:`HttpTransport`).
        requests.ConnectionError: a truncated body (a link fault, retried too).
        AuthExpired / Forbidden / ServerRefused: 401 / 403 / other 4xx.
    """
    try:
        if content_encoding.lower() == "gzip":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise requests.ConnectionError(f"truncated gzip answer: {exc}") from exc
    if status >= 400:
        _raise_for(status, retry_after, raw.decode("utf-8", errors="replace"), authorization)
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # A cut-off body (the connection dropped mid-answer) is a link fault.
        raise requests.ConnectionError(f"incomplete answer: {exc}") from exc


def _raise_for(
    status: int, retry_after: str | None, text: str, authorization: str | None = None
) -> NoReturn:
    """The error an answer of ``status`` (400 or more) stands for (the body as text
    is made only here: a good answer of megabytes is parsed once, as JSON)."""
    if status == 429 or status >= 500:
        wait = _retry_after(retry_after)
        if wait is not None and wait > MAX_RETRY_AFTER_S:
            # e.g. a login lockout: waiting here would freeze the operator for minutes.
            minutes = max(1, round(wait / 60))
            raise ServerRefused(
                f"HTTP {status}: {text[:200]}",
                status=status,
                code=ErrorCode.SERVER_BUSY,
                minutes=str(minutes),
            )
        raise _Retryable(status, wait, text)
    if status == 401:
        if '"revoked"' in text:
            try:
                answer = orjson.loads(text)
            except orjson.JSONDecodeError:
                answer = None
            revoked = Revoked(text[:200], status=status, answer=answer)
            revoked.bind(authorization)
            raise revoked
        expired = AuthExpired(text[:200], status=status)
        expired.answer = _json_object(text)
        raise expired
    if status == 403:
        # an account an older server let take a name the audit log keeps (login)
        named = ErrorCode.LOGIN_RESERVED_NAME if '"reserved_username"' in text else None
        forbidden = Forbidden(text[:4000], status=status, code=named)
        forbidden.answer = _json_object(text)
        raise forbidden
    raise ServerRefused(f"HTTP {status}: {text[:500]}", status=status)


def _json_object(text: str) -> dict[str, Any]:
    """An error answer's JSON object ({} when it is none)."""
    try:
        answer = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
