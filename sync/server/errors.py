"""Errors the server answers with a clear status and code (never a 500)."""

from __future__ import annotations

from typing import Any

from sync import signing


class ApiError(Exception):
    """An error with an HTTP status, a stable machine code and a message.

    The JSON body is ``{"error": code, "message": message, **extra}``.
    """

    def __init__(
        self, status: int, code: str, message: str, *, retry_after: int | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        #: Seconds the answer waits before it is sent (a slowed-down failed login).
        self.delay = 0.0
        self.extra = extra
        #: An object the server signs with its signing key into the body's ``proof``
        #: (:meth:`signed_body`): a ``401 revoked`` answer's, so that the desktop erases
        #: its keys of the data only on the pinned key's word.
        self.signed: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}

    def signed_body(self, key: signing.Ed25519PrivateKey) -> dict[str, Any]:
        """:meth:`body`, with the ``proof`` of :attr:`signed` by ``key`` when there is one
        (every place that answers an error answers this)."""
        body = self.body()
        if self.signed is not None:
            body["proof"] = signing.sign(key, self.signed)
        return body


def forbidden(mutation_id: str | None = None) -> ApiError:
    """The one answer for anything out of scope: it never says whether a record exists.

    Args:
        mutation_id: the pushed mutation at fault, named in the body (the client
            then rejects that one alone and sends the rest again).
    """
    error = ApiError(403, "forbidden", "outside your role or region")
    if mutation_id is not None:
        error.extra["mutation_id"] = mutation_id
    return error
