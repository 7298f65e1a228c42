"""A Bawaslu account reads, never writes (DOMAIN.md "Who uses Silon";
``sync.server.roles.Actor.can_write``): its edits are refused on the desktop before
they are saved, on every write path of the services, not only behind the buttons. The
desktop saved them; the server refused the batch (403) and the PC undid them at the
next sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.access import Session
from silon_desktop.services.results import LoginOutcome
from silon_desktop.storage import outbox
from tests.gui.sample_data import REGION, seed_small


def _waiting(services: Services) -> int:
    with services.db.session(readonly=True) as session:
        return int(outbox.waiting_count(session.connection()))


def _as_bawaslu(services: Services) -> None:
    outcome = LoginOutcome(True, True, None, True, "bawaslu", REGION)
    services.start_session(Session(services.db, outcome, "bawaslu3214", None))


def _refused(error: CodedError | None) -> bool:
    return error is not None and error.code is ErrorCode.ACCOUNT_READ_ONLY


def test_a_bawaslu_account_saves_no_edit(services: Services, tmp_path: Path) -> None:
    ids = seed_small(services, supporters=3)
    election = services.get("election", ids["election"]) or {}
    first = ids["first_supporter"]
    candidate = services.list("candidate", pair_id=ids["pair"])[0]["id"]
    document = services.repo.create(
        "document", {"candidate_id": candidate, "kind": "ijazah"}, REGION
    )
    _as_bawaslu(services)
    assert services.read_only
    before = _waiting(services)

    assert _refused(services.update("pair", ids["pair"], {"head_name": "BUDI"}))
    assert _refused(services.update("supporter", first, {"name": "SITI"}))
    made, error = services.create("supporter", {"pair_id": ids["pair"]}, REGION)
    assert made is None and _refused(error)
    made, error = services.create("pair", {"election_id": ids["election"]}, REGION)
    assert made is None and _refused(error)
    assert _refused(services.delete("supporter", first))
    assert _refused(services.verify([first], "admin", [], "", election).error)
    assert _refused(services.set_id_scan([first], False, election))
    assert _refused(services.recheck_supporter(first, election))
    assert _refused(services.withdraw_supporter(first, "ganda", "", election))
    scan = tmp_path / "ijazah.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    assert _refused(services.attach_document(document, scan))
    assert not any(services.paths.documents.iterdir())  # nothing copied either
    with pytest.raises(CodedError) as refused:
        services.imports.import_file(tmp_path / "dukungan.xlsx", ids["pair"], None)  # type: ignore[arg-type]
    assert refused.value.code is ErrorCode.ACCOUNT_READ_ONLY
    assert "Bawaslu" in refused.value.message

    assert _waiting(services) == before
    assert (services.get("pair", ids["pair"]) or {})["head_name"] == "AHMAD SUBAGJA"
    assert (services.get("supporter", first) or {})["name"] == "PENDUKUNG 000"
    assert not (services.get("supporter", first) or {}).get("admin_status")


def test_the_level_of_an_account_that_writes_comes_with_its_login(services: Services) -> None:
    """A KPU kab/kota account after a Bawaslu one on the same PC writes again."""
    ids = seed_small(services, supporters=1)
    _as_bawaslu(services)
    outcome = LoginOutcome(True, True, None, True, "kabkota", REGION)
    services.start_session(Session(services.db, outcome, "op3214", None))
    assert not services.read_only
    assert services.update("pair", ids["pair"], {"head_name": "BUDI"}) is None
