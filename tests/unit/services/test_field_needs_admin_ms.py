"""Field verification visits the supporters found MS in the administrative one: a
field verdict on any other row is refused, on the desktop (``check_choice``) as on the
server (``sync.server.rules.check_verdicts``). A field MS given to a row without a
valid NIK counted it towards the threshold on the dashboard, B.2 and the recap."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.domain.rules import PILKADA_2024
from silon_desktop.importers.store import import_file
from silon_desktop.services import verification
from silon_desktop.storage.db import open_database
from silon_desktop.storage.models import Supporter
from tests.fixtures import seed_election, verify_as_forecast
from tests.unit.importers.sheets import supporter_rows, write_xlsx


def test_a_field_verdict_on_a_row_not_ms_in_the_administrative_one_is_refused(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "silon.db")
    seed_election(db)
    rows = supporter_rows(4)
    rows[0][1] = "123"  # no valid NIK: TMS in the administrative verification
    import_file(db, write_xlsx(tmp_path / "in.xlsx", rows), "p1", assume_id_scan=True)
    verify_as_forecast(db)
    with db.session(readonly=True) as session:
        admin = dict(session.execute(select(Supporter.id, Supporter.admin_status)).all())
    unfit = [i for i, status in admin.items() if status != "MS"]
    fit = [i for i, status in admin.items() if status == "MS"]
    assert unfit and fit
    for status in ("MS", "TMS"):
        with pytest.raises(verification.VerdictRefused) as refused:
            verification.check_choice(db, [*fit, *unfit], "field", status, PILKADA_2024)
        assert refused.value.code is ErrorCode.VERDICT_FIELD_NEEDS_ADMIN_MS
        assert refused.value.params["count"] == str(len(unfit))
        assert str(len(unfit)) in refused.value.message
    # The rows found MS may be verified in the field; an undo (no verdict) is never refused.
    verification.check_choice(db, fit, "field", "MS", PILKADA_2024)
    verification.check_choice(db, unfit, "field", "", PILKADA_2024)
    db.close()
