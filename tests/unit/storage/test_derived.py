"""The supporter's derived status follows the rule set of its pair's election."""

from __future__ import annotations

import uuid

from silon_desktop.domain.rules import PILKADA_2020, PILKADA_2024
from silon_desktop.storage.db import Database
from silon_desktop.storage.derived import rules_of_pair
from silon_desktop.storage.models import Pair
from silon_desktop.storage.repository import Repository

from .samples import SCOPE, election_values, make_tree, pair_values


def test_the_rules_are_the_pair_elections(db: Database) -> None:
    repo = Repository(db, device_id="dev")
    ids = make_tree(repo)
    older = repo.create("election", {**election_values(), "rule_set": "pilkada-2020"}, SCOPE)
    pair_2020 = repo.create("pair", {**pair_values(older), "number": 2}, SCOPE)
    with db.session(readonly=True) as session:
        assert rules_of_pair(session, ids["pair"]) is PILKADA_2024
        assert rules_of_pair(session, pair_2020) is PILKADA_2020
        assert rules_of_pair(session, "no-such-pair") is PILKADA_2024  # the default


def test_a_pair_added_in_the_same_session_counts(db: Database) -> None:
    """Not yet flushed when the rules are asked (the ORM's autoflush did this)."""
    repo = Repository(db, device_id="dev")
    older = repo.create("election", {**election_values(), "rule_set": "pilkada-2020"}, SCOPE)
    with db.session() as session:
        pair = Pair(id=str(uuid.uuid4()), scope=SCOPE, **pair_values(older))
        session.add(pair)
        assert rules_of_pair(session, pair.id) is PILKADA_2020


def test_an_edit_after_the_election_changed_its_rules_uses_the_new_ones(db: Database) -> None:
    repo = Repository(db, device_id="dev")
    ids = make_tree(repo)
    repo.update("election", ids["election"], {"rule_set": "pilkada-2020"})
    with db.session(readonly=True) as session:
        assert rules_of_pair(session, ids["pair"]) is PILKADA_2020
