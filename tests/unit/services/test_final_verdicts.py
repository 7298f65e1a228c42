"""Where no BMS remains (the verification of a correction round's rows, field
verification), a reason the rule set makes BMS gives TMS (DOMAIN.md: "After the
verification of a correction round only MS and TMS remain"; "Each BMS/TMS carries one
or more reason codes"). The desktop refused such a verdict (BMS is no choice there)
and no other status followed from the reason, so a correction round's supporter
without an ID card scan could not be verified with its reason at all."""

from __future__ import annotations

from silon_desktop.services import Services
from tests.gui.sample_data import seed_small


def _supporters(services: Services, pair: str) -> list[str]:
    return [r["id"] for r in services.list("supporter", pair_id=pair)]


def test_a_correction_rounds_row_without_id_scan_is_tms_with_that_reason(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=4)
    election = services.get("election", ids["election"]) or {}
    early, other, *_ = _supporters(services, ids["pair"])
    copied = services.get("supporter", other) or {}
    fields = ("nik", "name", "sex", "marital_status", "occupation", "desa_code")
    fresh = {k: copied[k] for k in (*fields, "kecamatan_code", "kabkota_code", "has_id_scan")}
    fresh["nik"] = fresh["nik"][:12] + "0999"  # another person, in correction 1
    late = services.repo.create(
        "supporter", {"pair_id": ids["pair"], **fresh, "round": "correction_1"}, copied["scope"]
    )
    # One bulk verdict over rows of both rounds: each gets what its round allows.
    result = services.verify([early, late], "admin", ["NO_ID_SCAN"], "", election)
    assert result.error is None and result.count == 2
    submitted, corrected = services.get("supporter", early), services.get("supporter", late)
    assert submitted is not None and corrected is not None
    assert (submitted["admin_status"], submitted["admin_reasons"]) == ("BMS", ["NO_ID_SCAN"])
    assert (corrected["admin_status"], corrected["admin_reasons"]) == ("TMS", ["NO_ID_SCAN"])
    # Undone as one step, each row back to no verdict.
    services.undo_verify(result.undo)
    for record_id in (early, late):
        assert (services.get("supporter", record_id) or {})["admin_status"] == ""


def test_a_field_verdict_with_a_fixable_reason_is_tms(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    election = services.get("election", ids["election"]) or {}
    first = _supporters(services, ids["pair"])[0]
    assert services.verify([first], "admin", [], "", election).error is None
    # An ASN met in the field (BANNED_OCCUPATION: BMS in 2024's rules).
    result = services.verify([first], "field", ["BANNED_OCCUPATION"], "rumah", election)
    assert result.error is None
    row = services.get("supporter", first) or {}
    assert (row["field_status"], row["field_reasons"]) == ("TMS", ["BANNED_OCCUPATION"])
    assert row["effective_status"] == "TMS"
