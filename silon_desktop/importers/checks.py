"""The domain rules applied to one parsed row: reason codes and the status they give.

Everything decided here is the domain's (:func:`domain.supporters.validate_supporter`
and the election's rule set); this module feeds it a parsed row and adds what
only a reader knows: a value present in the file but unreadable (a date
"31-02-1990", sex "X", a place name found nowhere) counts as MISSING_FIELD.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from silon_desktop.domain.codes import ReasonCode
from silon_desktop.domain.rules import rule_set_for
from silon_desktop.domain.supporters import SupporterInput, ValidationContext, validate_supporter
from silon_desktop.importers.places import Place
from silon_desktop.importers.rows import ParsedRow

_MISSING = ReasonCode.MISSING_FIELD.value

#: A row's status (MS, BMS, TMS) and its reason codes.
Judgement = tuple[str, list[str]]
#: The domain's names of the place codes -> the spreadsheet fields they come from.
_IMPORT_NAME = {"desa_code": "desa", "kecamatan_code": "kecamatan", "kabkota_code": "kabkota"}


class RowChecker:
    """Checks rows of one election.

    Args:
        region: the election's region code.
        reference_date: ages are counted at this date (support deadline).
        rule_set: the election's rule set id (None: default).
        assume_id_scan: treat every row as having its ID card scan (a
            spreadsheet never carries it; without this every row is NO_ID_SCAN).
    """

    def __init__(
        self,
        region: str,
        reference_date: dt.date,
        rule_set: str | None,
        assume_id_scan: bool = False,
    ) -> None:
        self.rules = rule_set_for(rule_set)
        self.context = ValidationContext(region, reference_date, self.rules)
        self.assume_id_scan = assume_id_scan
        #: codes -> (status, the one list of these codes that rows share)
        self._judged: dict[tuple[str, ...], Judgement] = {}
        #: (the domain's reasons, whether a value was unreadable or a place not
        #: found: MISSING_FIELD added) -> judgement
        self._by_reasons: dict[tuple[tuple[ReasonCode, ...], bool], Judgement] = {}

    def check(
        self, parsed: ParsedRow, place: Place
    ) -> tuple[Judgement, SupporterInput, tuple[str, ...], tuple[str, ...]]:
        """Status and reason codes of a row (duplicates aside), the row as the
        domain sees it (for the duplicate tracker), the required fields it
        leaves empty (import field names: ``desa`` for ``desa_code``...) and the
        domain's notes (``retired_region:...``). The
        codes are in canonical order, except a MISSING_FIELD added for an
        unreadable value, which comes last. The list is shared with other rows:
        never change it in place."""
        v: dict[str, Any] = parsed.values
        row = SupporterInput(
            v["nik"],
            v["name"],
            v["birth_place"],
            v["birth_date"],
            v["sex"],
            v["marital_status"],
            v["occupation"],
            v["address"],
            v["rt"],
            v["rw"],
            place.desa_code,
            place.kecamatan_code,
            place.kabkota_code,
            self.assume_id_scan,
            v["nik_from_number"],
        )
        verdict = validate_supporter(row, self.context)
        reasons = verdict.codes
        unreadable = bool(parsed.unreadable or place.unmatched or place.ambiguous)
        judged = self._by_reasons.get((reasons, unreadable))
        if judged is None:
            codes = [code.value for code in reasons]
            if unreadable and _MISSING not in codes:
                codes.append(_MISSING)
            judged = self._by_reasons[(reasons, unreadable)] = self.judge(codes)
        missing = verdict.missing_fields
        empty = tuple(_IMPORT_NAME.get(name, name) for name in missing) if missing else ()
        return judged, row, empty, verdict.notes

    def judge(self, codes: list[str]) -> Judgement:
        """The status of these codes and the one shared list of them."""
        key = tuple(codes)
        known = self._judged.get(key)
        if known is None:
            status = self.rules.status_for(codes).value
            known = self._judged[key] = (status, codes)
        return known
