"""Local derived columns, kept up to date on every write of a row.

Supporters carry ``effective_status`` / ``effective_reasons`` ("A,B"): the
status that counts, computed by ``domain.supporters.effective_status`` (field
verification over administrative verification; empty, "belum diverifikasi",
while no person has verified the row: the automatic check is only a forecast,
whose reasons are kept; a NIK supporting another pair adding
DUPLICATE_EXTERNAL) under the rule set of the pair's election, so the
million-row table filters and counts by index.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from silon_desktop.domain.rules import RuleSet, UnknownRuleSetError, rule_set_for
from silon_desktop.domain.supporters import effective_status, join_reasons
from silon_desktop.storage.models import Election, Pair, Supporter, SyncedMixin

log = logging.getLogger(__name__)

#: The rule set used when an election names none (or one unknown here).
DEFAULT_RULE_SET = "pilkada-2024"

#: Supporter columns the effective status depends on.
EFFECTIVE_INPUTS = (
    "check_status",
    "check_reasons",
    "admin_status",
    "admin_reasons",
    "field_status",
    "field_reasons",
    "external_duplicate",
)


def refresh_derived(
    session: Session, entity: str, row: SyncedMixin, rules: RuleSet | None = None
) -> None:
    """Recompute the row's derived columns (a no-op for entities without any).

    Args:
        rules: the rule set of the row's pair when the caller read it already
            (:func:`rules_for_update`); None: read now.
    """
    if entity != "supporter":
        return
    assert isinstance(row, Supporter)
    values = {name: getattr(row, name) for name in EFFECTIVE_INPUTS}
    if rules is None:
        rules = rules_of_pair(session, row.pair_id)
    status, reasons = supporter_effective(values, rules)
    row.effective_status = status
    row.effective_reasons = reasons


#: The rule set of a pair's election, run by :func:`rules_of_pair` on every supporter write.
_PAIR_RULE_SET = (
    select(Election.rule_set)
    .join(Pair, Pair.election_id == Election.id)
    .where(Pair.id == bindparam("pair_id"))
)


def rules_of_pair(session: Session, pair_id: str) -> RuleSet:
    """The rule set of the pair's election (the default one when unknown here).

    Run on the session's connection, in its transaction: the ORM's execution of
    this one-column select cost about four times as much, a tenth of a single
    edit (bench_store). The flush is the one the ORM's autoflush made: a pair or
    an election added or changed in this session counts.
    """
    session.flush()
    return pair_rule_set(session.connection(), pair_id)


def pair_rule_set(conn: Connection, pair_id: str) -> RuleSet:
    """The rule set of the pair's election read on ``conn`` (the default one when
    the pair, its election or its rule set is unknown here)."""
    return _rules(conn.scalar(_PAIR_RULE_SET, {"pair_id": pair_id}))


def rules_for_update(
    session: Session, entity: str, row: SyncedMixin, values: Mapping[str, Any]
) -> RuleSet | None:
    """The rule set :func:`refresh_derived` needs once ``values`` are set on ``row``.

    Read before they are set: the flush :func:`rules_of_pair` makes then has none of
    the edit to write, and the row's UPDATE goes out in one flush with its outbox
    mutation and journal line (a flush of its own cost a tenth of an edit). None
    for an entity without derived columns.
    """
    if entity != "supporter":
        return None
    assert isinstance(row, Supporter)
    return rules_of_pair(session, values.get("pair_id", row.pair_id))


def _rules(rule_set: RuleSet | str | None) -> RuleSet:
    if isinstance(rule_set, RuleSet):
        return rule_set
    try:
        return rule_set_for(rule_set)
    except UnknownRuleSetError:
        log.warning("rule set %r unknown to this version; using the default", rule_set)
        return rule_set_for(None)


def supporter_effective(
    values: Mapping[str, Any], rules: RuleSet | str | None = None
) -> tuple[str, str]:
    """(effective_status, "A,B") of a supporter's verification columns.

    Args:
        values: the supporter's columns (at least :data:`EFFECTIVE_INPUTS`).
        rules: the election's rule set, or its id (None: the default).
    """
    status, reasons = effective_status(
        str(values.get("check_status") or ""),
        values.get("check_reasons") or (),
        str(values.get("admin_status") or ""),
        values.get("admin_reasons") or (),
        str(values.get("field_status") or ""),
        values.get("field_reasons") or (),
        bool(values.get("external_duplicate")),
        _rules(rules),
    )
    return str(status), join_reasons(reasons)
