"""Withdrawing a supporter with a reason, and merging two rows of one person."""

from __future__ import annotations

from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.services.withdrawal import better_verified, person_verdict
from silon_desktop.storage.models import OutboxMutation
from tests.gui.sample_data import seed_small


def _delete_mutation(services: Services, record_id: str) -> OutboxMutation:
    with services.db.session(readonly=True) as session:
        rows = session.query(OutboxMutation).filter_by(record_id=record_id).all()
        (row,) = [r for r in rows if r.op == "delete"]
        session.expunge(row)
        return row


def test_a_withdrawn_supporter_is_a_tombstone_with_its_reason_and_leaves_the_counts(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=5)
    election = services.get("election", ids["election"]) or {}
    target = ids["first_supporter"]
    before = services.status_counts(ids["pair"])
    assert (
        services.withdraw_supporter(target, "ditarik_pendukung", "surat 3 Juni", election) is None
    )
    record = services.get("supporter", target)
    assert record is not None and record["deleted"] is True
    assert (record["withdrawn_reason"], record["withdrawn_note"]) == (
        "ditarik_pendukung",
        "surat 3 Juni",
    )
    assert record["withdrawn_by"] == "operator" and record["withdrawn_at"] is not None
    assert record["name"] == "PENDUKUNG 000"  # the row (its history) stays
    assert services.status_counts(ids["pair"])["total"] == before["total"] - 1 == 4
    assert services.recap(ids["pair"]).totals.total == 4
    # the record was never pushed: the create and the delete cancel out locally
    journal = services.journal("supporter", target)
    assert [j["action"] for j in journal] == ["create", "delete"]
    assert journal[-1]["changes"]["withdrawn_reason"] == ["", "ditarik_pendukung"]


def test_the_delete_of_a_pushed_supporter_carries_the_reason(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    target = ids["first_supporter"]
    with services.db.session() as session:  # as if pushed and acknowledged at version 1
        session.query(OutboxMutation).delete()
        from silon_desktop.storage.models import Supporter

        session.get(Supporter, target).version = 1
    services.update("supporter", target, {"address": "JL. MAWAR"})  # waiting edit, folded
    assert services.withdraw_supporter(target, "salah_input", "", {}) is None
    mutation = _delete_mutation(services, target)
    assert mutation.base_version == 1
    assert mutation.changes["withdrawn_reason"] == ["", "salah_input"]
    assert mutation.changes["withdrawn_by"] == ["", "operator"]
    # The folded edit stays as a base value (the server sets nothing from it) so that
    # a restore can give it back.
    assert mutation.changes["address"][1] == "JL. MAWAR"


def test_other_needs_a_note_and_an_unknown_reason_is_refused(services: Services) -> None:
    ids = seed_small(services, supporters=1)
    error = services.withdraw_supporter(ids["first_supporter"], "lainnya", " ", {})
    assert error is not None and error.code is ErrorCode.WITHDRAW_NOTE_REQUIRED
    assert "catatan" in error.message
    unknown = services.withdraw_supporter(ids["first_supporter"], "bosan", "", {})
    assert unknown is not None and unknown.code is ErrorCode.WITHDRAW_UNKNOWN_REASON
    assert unknown.message == "Alasan penarikan tidak dikenal: 'bosan'."
    assert (services.get("supporter", ids["first_supporter"]) or {})["deleted"] is False


def test_merging_a_duplicate_keeps_one_with_chosen_values_and_withdraws_the_other(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=3)
    election = services.get("election", ids["election"]) or {}
    first = services.get("supporter", ids["first_supporter"]) or {}
    copy, error = services.create(
        "supporter",
        {
            **{k: first[k] for k in ("pair_id", "nik", "sex", "marital_status", "occupation")},
            **{k: first[k] for k in ("desa_code", "kecamatan_code", "kabkota_code")},
            "name": "PENDUKUNG 000",
            "address": "JL. MELATI 4",
            "has_id_scan": True,
        },
        first["scope"],
    )
    assert copy is not None and error is None
    assert services.recheck_supporter(copy, election) is None
    flagged = services.get("supporter", copy) or {}
    assert {"DUPLICATE_IDENTICAL", "DUPLICATE_POTENTIAL"} & set(flagged["check_reasons"])
    services.verify([copy], "admin", [], "", election)  # a person found the copy MS
    keep, differing = services.merge_plan(first["id"], copy)
    assert keep == copy  # the better-verified row is kept by default
    assert differing == ["address"]
    assert services.merge_supporters(copy, first["id"], {"rt": "004"}, election) is None
    kept = services.get("supporter", copy) or {}
    gone = services.get("supporter", first["id"]) or {}
    assert kept["deleted"] is False and kept["rt"] == "004" and kept["address"] == "JL. MELATI 4"
    assert gone["deleted"] is True and gone["withdrawn_reason"] == "ganda"
    assert gone["duplicate_of"] == copy
    assert not {"DUPLICATE_IDENTICAL", "DUPLICATE_POTENTIAL"} & set(kept["check_reasons"])
    assert services.recap(ids["pair"]).totals.total == 3


def test_a_merge_of_a_row_with_itself_or_a_withdrawn_row_is_refused(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    one = ids["first_supporter"]
    same = services.merge_supporters(one, one, {}, {})
    assert same is not None and same.code is ErrorCode.MERGE_SAME_ROW
    other = [r["id"] for r in services.list("supporter") if r["id"] != one][0]
    services.withdraw_supporter(other, "salah_input", "", {})
    gone = services.merge_supporters(one, other, {}, {})
    assert gone is not None and gone.code is ErrorCode.MERGE_ROW_GONE
    assert (services.get("supporter", one) or {})["deleted"] is False


def test_better_verified_prefers_a_persons_ms_then_a_scan() -> None:
    a = {"id": "a", "admin_status": "", "has_id_scan": True, "check_reasons": []}
    b = {"id": "b", "admin_status": "MS", "has_id_scan": False, "check_reasons": []}
    assert better_verified(a, b) == "b"
    c = {"id": "c", "admin_status": "", "has_id_scan": False, "check_reasons": []}
    assert better_verified(c, a) == "a"
    assert better_verified(a, dict(a, id="z")) == "a"


def _outbox(services: Services, record_id: str) -> list[tuple[str, int, dict[str, object]]]:
    with services.db.session(readonly=True) as session:
        rows = session.query(OutboxMutation).filter_by(record_id=record_id).all()
        return [(r.op, r.base_version, dict(r.changes or {})) for r in rows]


def _pushed(services: Services, record_id: str) -> None:
    """As if every mutation so far were pushed and the record acknowledged at version 1."""
    from silon_desktop.storage.models import Supporter

    with services.db.session() as session:
        session.query(OutboxMutation).delete()
        session.get(Supporter, record_id).version = 1


def test_a_restored_supporter_counts_again_and_its_journal_keeps_the_withdrawal(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=5)
    election = services.get("election", ids["election"]) or {}
    target = ids["first_supporter"]
    _pushed(services, target)
    before = services.status_counts(ids["pair"])["total"]
    assert services.withdraw_supporter(target, "salah_input", "", election) is None
    assert [r["id"] for r in services.withdrawn_supporters(ids["pair"])] == [target]
    with services.db.session() as session:  # the delete was pushed too
        session.query(OutboxMutation).delete()
    assert services.status_counts(ids["pair"])["total"] == before - 1
    assert services.restore_supporter(target, election) is None
    record = services.get("supporter", target) or {}
    assert record["deleted"] is False and record["name"] == "PENDUKUNG 000"
    assert record["withdrawn_reason"] in ("", None) and record["withdrawn_at"] is None
    assert services.status_counts(ids["pair"])["total"] == before
    assert services.recap(ids["pair"]).totals.total == before
    assert services.withdrawn_supporters(ids["pair"]) == []
    # A restore of its own travels to the server (the delete had left the device),
    # then the automatic check run again on the live row.
    assert _outbox(services, target)[0] == ("restore", 1, {})
    journal = services.journal("supporter", target)
    actions = [j["action"] for j in journal]
    assert actions[actions.index("delete") + 1] == "restore"
    restored = journal[actions.index("restore")]
    assert restored["changes"]["withdrawn_reason"] == ["salah_input", ""]
    # An edit after the restore is a mutation of its own, sent after it.
    services.update("supporter", target, {"address": "JL. MELATI"})
    assert [op for op, _b, _c in _outbox(services, target)] == ["restore", "upsert"]
    # Restoring a live row is refused with a message.
    error = services.restore_supporter(target, election)
    assert error is not None and error.code is ErrorCode.RESTORE_NOT_WITHDRAWN
    assert error.message == "Dukungan ini tidak sedang ditarik."


def test_restoring_a_withdrawal_still_waiting_takes_it_back_with_the_folded_edit(
    services: Services,
) -> None:
    ids = seed_small(services, supporters=2)
    target = ids["first_supporter"]
    _pushed(services, target)
    services.update("supporter", target, {"address": "JL. MAWAR"})
    assert services.withdraw_supporter(target, "salah_input", "", {}) is None
    assert services.restore_supporter(target, {}) is None
    # The delete never left the device: it is the edit again, nothing else.
    ((op, base, changes),) = _outbox(services, target)
    assert (op, base) == ("upsert", 1)
    assert changes["address"][1] == "JL. MAWAR"
    assert not {"withdrawn_reason", "withdrawn_by", "withdrawn_at"} & set(changes)
    assert (services.get("supporter", target) or {})["address"] == "JL. MAWAR"


def test_a_supporter_never_pushed_is_created_again_when_restored(services: Services) -> None:
    ids = seed_small(services, supporters=2)
    target = ids["first_supporter"]
    assert services.withdraw_supporter(target, "salah_input", "", {}) is None
    assert _outbox(services, target) == []  # the create and the delete cancelled out
    assert services.restore_supporter(target, {}) is None
    ((op, base, changes),) = _outbox(services, target)
    assert (op, base) == ("upsert", 0)
    assert changes["name"] == [None, "PENDUKUNG 000"]
    assert changes["withdrawn_reason"][1] in ("", None)


def test_a_field_verdict_that_no_longer_counts_does_not_rank_a_row() -> None:
    # b's field MS was given while it was MS administratively; re-checked, it is TMS.
    a = {"id": "a", "admin_status": "BMS", "field_status": "", "check_reasons": []}
    b = {"id": "b", "admin_status": "TMS", "field_status": "MS", "check_reasons": []}
    assert better_verified(a, b) == "a"
    assert person_verdict(b) == "TMS" and person_verdict(dict(b, admin_status="MS")) == "MS"


def test_a_supporter_moved_out_of_this_area_is_not_offered_for_restoring(
    services: Services,
) -> None:
    from sync.client.apply import Applier, apply_connection
    from sync.protocol import Record

    ids = seed_small(services, supporters=3)
    pair = ids["pair"]
    first = ids["first_supporter"]
    with services.db.session() as session:  # as if pushed and acknowledged at version 1
        session.query(OutboxMutation).delete()
    assert services.withdraw_supporter(first, "salah_input", "", {}) is None
    with services.db.session() as session:
        session.query(OutboxMutation).delete()  # the withdrawal acknowledged too
    with services.db.engine.connect() as conn:
        moved = str(
            conn.exec_driver_sql(
                "SELECT id FROM supporter WHERE deleted = 0 ORDER BY nik LIMIT 1"
            ).scalar_one()
        )
    # The province moved it to another kab/kota: the feed's departure, a tombstone
    # with no fields at all, blanks it here.
    with apply_connection(services.db) as conn:
        Applier().records(conn, [Record("supporter", moved, "32.14", 2, True, {})])
    left = services.get("supporter", moved) or {}
    assert left["deleted"] is True and left["nik"] == "" and left["name"] == ""
    listed = [row["id"] for row in services.withdrawn_supporters(pair)]
    assert listed == [first]  # the withdrawn one, with its reason; not the departed one
