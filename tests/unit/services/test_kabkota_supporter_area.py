"""A supporter a KPU kab/kota adds by hand to its province's governor pair lives in
that kab/kota (DOMAIN.md "Levels": it works on its share, and only on it). The row was
created without a ``kabkota_code`` until a desa was picked; the server refuses such a
create from a kab/kota (``SCOPE_MISMATCH``, field ``kabkota_code``: a supporter of no
kab/kota is the province's), and a refused create is undone on the PC: the NIK and
name typed for a supporter whose desa was not known yet were lost at the next sync."""

from __future__ import annotations

import uuid

from silon_desktop.services import Services
from silon_desktop.storage import outbox
from sync.server.push import apply_batch
from sync.server.roles import Actor, Role
from tests.unit.server.support import fresh_state

PROVINCE = Actor("prov32", Role.PROVINCE, "32", "dev-prov")
KABKOTA = Actor("op3214", Role.KABKOTA, "32.14", "dev-kab")


def test_a_kabkotas_new_supporter_of_a_governor_pair_is_in_its_share(
    services: Services,
) -> None:
    assert services.session_scope == "32.14"
    election = services.repo.create(
        "election", {"name": "Pilgub", "kind": "gubernur", "region_code": "32"}, "32"
    )
    pair = services.repo.create("pair", {"election_id": election, "number": 1}, "32")
    record_id, error = services.create("supporter", {"pair_id": pair}, "32")
    assert error is None and record_id is not None
    assert (services.get("supporter", record_id) or {})["kabkota_code"] == "32.14"
    with services.db.session() as session:
        _batch, claimed = outbox.claim_batch(session, 100)
    mutations = [c.mutation() for c in claimed]
    with fresh_state() as server:
        province = [m for m in mutations if m.entity != "supporter"]
        mine = [m for m in mutations if m.entity == "supporter"]
        for actor, batch in ((PROVINCE, province), (KABKOTA, mine)):
            results = apply_batch(server.engine, server.config, actor, str(uuid.uuid4()), batch)
            assert [(r.status, r.code) for r in results] == [("applied", "")] * len(batch)
    # A supporter of a kab/kota's own election needs no kab/kota of its own.
    own = services.repo.create("election", {"name": "Pilbup", "kind": "bupati"}, "32.14")
    own_pair = services.repo.create("pair", {"election_id": own, "number": 1}, "32.14")
    local, error = services.create("supporter", {"pair_id": own_pair}, "32.14")
    assert error is None
    assert (services.get("supporter", local) or {})["kabkota_code"] in ("", None)
