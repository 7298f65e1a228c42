"""The server's endpoints as the client calls them (see docs/PROTOCOL.md).

Wire shapes come from :mod:`sync.protocol`; this module only names the paths
and decodes the answers, so the engine never builds a URL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from silon_desktop.domain.errors import ErrorCode
from sync import signing
from sync.protocol import (
    API_PREFIX,
    SERVER_KEY_PATH,
    MutationResult,
    ResultStatus,
    key_proof_body,
    login_proof_body,
    new_key_nonce,
)
from sync.snapshot import CLIENT_LAYOUT, Layout
from sync.transport import (
    AuthExpired,
    EncodedBody,
    Forbidden,
    LoginRefusal,
    ServerRefused,
    Transport,
    TransportError,
    encode_body,
)

LOGIN = f"{API_PREFIX}/auth/login"
LOGOUT = f"{API_PREFIX}/auth/logout"
PASSWORD = f"{API_PREFIX}/me/password"
PUSH = f"{API_PREFIX}/push"
FEED = f"{API_PREFIX}/feed"
SERVER_KEY = SERVER_KEY_PATH
SNAPSHOT = f"{API_PREFIX}/snapshot"
OBJECTIONS = f"{API_PREFIX}/objections"


class BadAnswer(TransportError):
    """The server's answer could not be understood (a bug on one side)."""

    default_code = ErrorCode.BAD_ANSWER


class KeyUnproven(BadAnswer):
    """The server's keys came without a valid proof over this request's nonce
    (:func:`sync.protocol.key_proof_body`): a man in the middle handing back a key it
    does not hold, or a box key of its own, or (``absent``) a server older than the
    proof, or a proxy that strips it."""

    def __init__(self, message: str, *, absent: bool) -> None:
        super().__init__(message)
        self.absent = absent


@dataclass(frozen=True, slots=True)
class ServerKeys:
    """The server's signing key and the key bundles for it are sealed to, as one
    answer its signing key proved (:meth:`ServerApi.server_keys`); "" when unknown."""

    public_key: str = ""
    box_key: str = ""


@dataclass(frozen=True, slots=True)
class LoginAnswer:
    token: str = field(repr=False)  # a secret: never in a log line
    username: str
    role: str
    region: str
    expires_at: float
    #: this (user, device)'s secret from the server (base64): wraps the data key
    device_secret: str = field(default="", repr=False)
    #: days offline login is allowed after this login (server setting)
    offline_days: float = 0.0
    #: what the account reads and by which rules (opaque; "" from an older server)
    read_rules: str = ""
    #: the device this login was for, and the nonce sent with it: what the server's
    #: proof (``proof``, "" from an older server) signs over with these fields
    device_id: str = ""
    nonce: str = ""
    proof: str = field(default="", repr=False)

    def proved_by(self, public_key: str) -> bool:
        """Whether ``proof`` is ``public_key``'s signature over this answer and its
        nonce (:func:`sync.protocol.login_proof_body`)."""
        body = login_proof_body(
            self.nonce,
            username=self.username,
            device_id=self.device_id,
            role=self.role,
            region=self.region,
            read_rules=self.read_rules,
            offline_days=self.offline_days,
            token=self.token,
            device_secret=self.device_secret,
        )
        return bool(self.nonce and self.proof) and signing.verify(public_key, body, self.proof)


@dataclass(frozen=True, slots=True)
class PushRequest:
    """A push encoded ahead of sending (:meth:`ServerApi.encode_push`)."""

    batch_id: str
    count: int
    body: EncodedBody


@dataclass(slots=True)
class PushAnswer:
    batch_id: str
    results: list[MutationResult]
    receipt: dict[str, Any] | None = None
    server_time: str = ""
    raw_results: list[dict[str, Any]] = field(default_factory=list)


class ServerApi:
    """Typed calls on a :class:`~sync.transport.Transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        #: This sync run's id, sent with every push (``?run=``); the feed is asked
        #: with ``skip_own=<run>`` to leave out what these pushes wrote (the
        #: answers gave this database those versions). See :meth:`new_run`.
        self.run_id = uuid.uuid4().hex
        #: Mutations the server applied or merged from this run's pushes.
        self.pushed_in_run = 0

    def new_run(self) -> None:
        """Start a sync run: a fresh run id (what earlier runs pushed is not skipped)."""
        self.run_id = uuid.uuid4().hex
        self.pushed_in_run = 0

    def login(
        self, username: str, password: str, device_id: str, public_key: str | None
    ) -> LoginAnswer:
        nonce = new_key_nonce()
        try:
            data = self.transport.call(
                "POST",
                LOGIN,
                {
                    "username": username,
                    "password": password,
                    "device_id": device_id,
                    "public_key": public_key,
                },
                {"nonce": nonce},
                auth=False,
            )
        except (AuthExpired, Forbidden) as error:
            # what the desktop's lock on a refusal needs to check it is the server's word
            reason, proof = error.answer.get("error"), error.answer.get("proof")
            error.login_refusal = LoginRefusal(
                nonce,
                username,
                reason if isinstance(reason, str) else "",
                proof if isinstance(proof, str) else "",
            )
            raise
        try:
            return LoginAnswer(
                token=str(data["token"]),
                username=str(data.get("username") or username),
                role=str(data.get("role") or ""),
                region=str(data.get("region") or ""),
                expires_at=float(data.get("expires_at") or 0),
                device_secret=str(data.get("device_secret") or ""),
                offline_days=float(data.get("offline_days") or 0),
                read_rules=str(data.get("read_rules") or ""),
                device_id=device_id,
                nonce=nonce,
                proof=str(data.get("proof") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"login: {exc!r}") from exc

    def logout(self) -> None:
        self.transport.call("POST", LOGOUT, {})

    def change_password(self, current: str, new: str) -> int:
        """Change the account's own password; how many other sessions ended.

        Raises:
            Forbidden: ``PASSWORD_WRONG_CURRENT`` the current password is wrong (counted
                by the server as a failed login); ``PASSWORD_PRACTICE`` a training
                server keeps its practice accounts' passwords.
            ServerRefused: ``PASSWORD_SAME``; ``PASSWORD_CHANGED_MEANWHILE`` (409: an
                administrator reset or disabled the account while it was checked);
                ``PASSWORD_NEW_REFUSED`` or ``PASSWORD_CURRENT_REFUSED`` (422
                ``invalid_request`` naming that key: a server whose rule for a
                password differs from this version's); or another refusal (throttled:
                ``SERVER_BUSY``).
        """
        body = {"current_password": current, "new_password": new}
        try:
            data = self.transport.call("POST", PASSWORD, body)
        except Forbidden as error:
            if '"wrong_password"' in error.detail:
                raise Forbidden(
                    error.detail, status=error.status, code=ErrorCode.PASSWORD_WRONG_CURRENT
                ) from None
            if '"practice_password"' in error.detail:
                raise Forbidden(
                    error.detail, status=error.status, code=ErrorCode.PASSWORD_PRACTICE
                ) from None
            raise
        except ServerRefused as error:
            code = _password_refusal(error.detail)
            if code is not None:
                raise ServerRefused(error.detail, status=error.status, code=code) from None
            raise
        try:
            return int(data["sessions_ended"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"password change: {exc!r}") from exc

    def encode_push(
        self, batch_id: str, device_id: str, mutations: list[dict[str, Any]]
    ) -> PushRequest:
        """A push of mutations already in wire form (``Mutation.to_wire()`` shape),
        encoded for :meth:`send_push` (the push stage encodes the next batch while
        the current one is in flight)."""
        body = {"batch_id": batch_id, "device_id": device_id, "mutations": mutations}
        return PushRequest(batch_id, len(mutations), encode_body(body))

    def send_push(self, request: PushRequest, *, retry_timeouts: bool = True) -> Any:
        """Send a push; the server's answer as it came (read by :meth:`push_answer`).

        Args:
            retry_timeouts: False to get :class:`~sync.transport.TimedOut` at the
                first timeout (the engine then sends a smaller batch).
        """
        return self.transport.call(
            "POST", PUSH, request.body, {"run": self.run_id}, retry_timeouts=retry_timeouts
        )

    def push_answer(self, request: PushRequest, data: Any) -> PushAnswer:
        """The answer :meth:`send_push` received, read.

        Raises:
            BadAnswer: it is not a push answer.
        """
        try:
            raw = list(data["results"])
            answer = PushAnswer(
                batch_id=request.batch_id,  # the receipt must be about the batch sent
                results=[MutationResult.from_wire(r) for r in raw],
                receipt=data.get("receipt"),
                server_time=str(data.get("server_time") or ""),
                raw_results=raw,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"push: {exc!r}") from exc
        self.pushed_in_run += sum(
            1 for r in answer.results if r.status in (ResultStatus.APPLIED, ResultStatus.MERGED)
        )
        return answer

    def feed_raw(self, cursor: str, limit: int, *, retry_timeouts: bool = True) -> dict[str, Any]:
        """A feed page as the server sent it, for the bulk apply path: in the
        compact layout (:data:`~sync.snapshot.CLIENT_LAYOUT`, as snapshot parts), or
        one array per record from an older server (which does not know the
        parameter and leaves it unread); the applier takes either.

        Args:
            retry_timeouts: False to get :class:`~sync.transport.TimedOut` at the
                first timeout (the engine then asks for a smaller page).
        """
        params: dict[str, Any] = {"limit": limit, "layout": CLIENT_LAYOUT.value}
        if cursor:
            params["after"] = cursor
        if self.pushed_in_run:
            params["skip_own"] = self.run_id
        data = self.transport.call("GET", FEED, params=params, retry_timeouts=retry_timeouts)
        if not isinstance(data, dict) or "cursor" not in data or "entities" not in data:
            raise BadAnswer(f"feed: unexpected answer {str(data)[:80]}")
        return data

    def objection_contacts(self, record_id: str) -> list[str]:
        """The contacts citizens left with the open objections against supporter
        ``record_id`` ("" for one left without), for the office that verifies it. Never
        stored or logged: the answer is not even quoted in an error."""
        data = self.transport.call("GET", OBJECTIONS, params={"record_id": record_id})
        found = data.get("objections") if isinstance(data, dict) else None
        if not isinstance(found, list) or not all(isinstance(o, dict) for o in found):
            raise BadAnswer("objections: unexpected answer")
        return [str(o.get("contact") or "") for o in found]

    def snapshot_manifest(self) -> Any:
        """The signed manifest of a snapshot of this account's scope (checked by the
        caller), in the compact layout; in the column layout from a server that does
        not know it yet (422: the parameter's value refused)."""
        try:
            return self.transport.call("GET", SNAPSHOT, params={"layout": CLIENT_LAYOUT.value})
        except ServerRefused as exc:
            if exc.status != 422:
                raise
        return self.transport.call("GET", SNAPSHOT, params={"layout": Layout.COLUMNS.value})

    def snapshot_part(self, snapshot_id: str, index: int) -> Any:
        """Part ``index`` of a snapshot, decoded (its digest is checked by the caller)."""
        return self.transport.call("GET", f"{SNAPSHOT}/{snapshot_id}/{index}")

    def server_keys(self) -> ServerKeys:
        """The server's keys, proved by its signing key over a fresh nonce.

        The proof is verified against the key in the same answer: the caller then
        compares that key with the one pinned here (or pins it), so what it trusts is
        a key whose holder answered this very request.

        Raises:
            KeyUnproven: no proof, or one that is not the key's signature over this
                nonce and these keys.
            BadAnswer: not a key answer.
        """
        nonce = new_key_nonce()
        data = self.transport.call("GET", SERVER_KEY, params={"nonce": nonce}, auth=False)
        try:
            public_key = str(data["public_key"])
            key_id = str(data.get("key_id") or "")
            box_key = str(data.get("box_key") or "")
            proof = str(data.get("proof") or "")
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadAnswer(f"server-key: {exc!r}") from exc
        if not proof:
            raise KeyUnproven("server-key: no proof of the key", absent=True)
        if not signing.verify(
            public_key, key_proof_body(nonce, public_key, key_id, box_key), proof
        ):
            raise KeyUnproven(
                "server-key: the proof is not the key's over this nonce", absent=False
            )
        return ServerKeys(public_key, box_key)


def _password_refusal(detail: str) -> ErrorCode | None:
    """The operator's words for a 4xx answer to a password change (``detail``: the
    transport's text of it), or None for another refusal (the generic words).

    A 422 ``invalid_request`` names the key it refused first (``sync.server.http``
    ``parse_body``: ``"message": "new_password: ..."``): this version checks both
    before asking, so a server whose rule differs answers it.
    """
    if '"same_password"' in detail:
        return ErrorCode.PASSWORD_SAME
    if '"password_changed_meanwhile"' in detail:
        return ErrorCode.PASSWORD_CHANGED_MEANWHILE
    if '"invalid_request"' in detail:
        if '"new_password' in detail:
            return ErrorCode.PASSWORD_NEW_REFUSED
        if '"current_password' in detail:
            return ErrorCode.PASSWORD_CURRENT_REFUSED
    return None
