"""Through a real server process: KPU RI makes a kab/kota's election, the kab/kota's
PC pulls it with the server's ``made_by_kabkota`` false, and the desktop refuses the
operator's fill of its empty DPT before saving (the server would refuse it at the next
sync: READ_ONLY); the election the kab/kota enters itself it completes, and the server
takes the fill."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from silon_desktop import paths
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.services import Services
from silon_desktop.storage import outbox
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient, live, server_feed
from tests.unit.sync.harness import PASSWORD


def _waiting(client: HttpClient) -> int:
    with client.db.session(readonly=True) as session:
        return int(outbox.waiting_count(session.connection()))


def test_a_kabkota_pc_refuses_a_fill_of_an_election_made_above_before_saving(
    server: ServerProcess,
    region: str,
    fast_dir: Path,
    http_client: Callable[..., HttpClient],
) -> None:
    device = f"dev-ri{region.replace('.', '')}"
    token = server.login("sync-admin", PASSWORD, device_id=device)
    ri = HttpClient(fast_dir / "ri", server.url, "sync-admin", token)
    ri.settings.device_id = device
    try:
        above = ri.repo.create(
            "election", {"name": "Pilbup", "kind": "bupati", "region_code": region}, region
        )
        assert ri.sync().complete
    finally:
        ri.close()
    op = http_client("op")
    assert op.sync().complete
    backend = Services(paths.resolve(fast_dir / "app").ensure(), op.settings, op.db)
    backend.session_scope = region
    assert (backend.get("election", above) or {})["made_by_kabkota"] is False

    error = backend.update("election", above, {"dpt": 60})
    assert error is not None and error.code is ErrorCode.ELECTION_MADE_ABOVE
    assert "'DPT'" in error.message and "diisi oleh KPU di atas akun ini" in error.message
    assert (backend.get("election", above) or {})["dpt"] is None
    assert _waiting(op) == 0

    own, refused = backend.create(
        "election", {"name": "Pilbup", "kind": "bupati", "region_code": region}, region
    )
    assert own is not None, refused
    assert op.sync().complete
    assert backend.update("election", own, {"dpt": 60}) is None
    assert op.sync().complete
    assert _waiting(op) == 0
    stored = live(server_feed(server, server.admin_token))  # type: ignore[attr-defined]
    assert stored[("election", own)]["dpt"] == 60
    assert stored[("election", above)]["dpt"] is None
