"""A refusal's message may quote the refused value (``sync.server.validation``: a
choice not offered, a time that does not read as one, at most 40 characters), and a
value in the wrong field may be a person's NIK, name or birth date. Neither the
server nor the desktop writes it to a log line: the server keeps the answer in its
database, the desktop in its own (the outbox row's ``result``); the history shows the
code and field only (``sync.receipts._refusal``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from sync.client.api import ServerApi
from tests.unit.sync.harness import SCOPE, Client, seed_pair, supporter_values

NIK = "3214014101900001"
NAME_AND_BIRTH = "Budi Santoso 1990-01-31"


def test_a_refusal_quoting_personal_data_reaches_no_log_line(
    make_client: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    a = make_client("a")
    pair = seed_pair(a)
    backer = a.repo.create("supporter", supporter_values(pair, 1), SCOPE)
    other = a.repo.create("supporter", supporter_values(pair, 2), SCOPE)
    real = ServerApi.encode_push

    def misplaced(self: ServerApi, batch_id: str, device_id: str, mutations: list[Any]) -> Any:
        # An older or damaged copy sends the NIK and the name with the birth date in
        # fields where the server quotes a refused value.
        wire = orjson.loads(orjson.dumps(mutations))  # the changes come pre-encoded
        for m in wire:
            if m["record_id"] == backer:
                m["changes"]["withdrawn_reason"] = [None, NIK]
            if m["record_id"] == other:
                m["changes"]["admin_at"] = [None, NAME_AND_BIRTH]
        return real(self, batch_id, device_id, wire)

    monkeypatch.setattr(ServerApi, "encode_push", misplaced)
    caplog.set_level(logging.DEBUG)  # every logger, the in-process server's too
    report = a.sync()
    assert report.rejected == 2, report
    with a.db.session(readonly=True) as session:
        from silon_desktop.storage.models import OutboxMutation

        rows = {r.record_id: r.result for r in session.query(OutboxMutation)}
    assert NIK in rows[backer]["message"]  # quoted in the answer
    assert NAME_AND_BIRTH in rows[other]["message"]
    logged = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text])
    logging.getLogger("sync.client.engine").debug("probe")  # the capture reads the sync's
    assert "probe" in caplog.text
    out, err = capfd.readouterr()  # nor printed where a service's log would take it
    assert NIK not in out + err and "Budi Santoso" not in out + err
    assert NIK not in logged
    assert NAME_AND_BIRTH not in logged and "Budi Santoso" not in logged
