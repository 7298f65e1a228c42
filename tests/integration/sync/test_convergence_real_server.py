"""The convergence property again, smaller, against a real server process behind the
fault proxy (lost requests and answers are real closed connections)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.faultproxy import FaultProxy
from tests.integration.server_process import ServerProcess
from tests.integration.sync.conftest import HttpClient, _regions, add_user, live, server_feed
from tests.unit.sync.harness import PASSWORD
from tests.unit.sync.test_convergence_property import NAMES, World, check_converged, op


class RealServerWorld(World):
    def __init__(self, server: ServerProcess, proxy: FaultProxy, folder: Path) -> None:
        self.server = server
        self.proxy = proxy
        self.scope = next(_regions)
        clients = {}
        for name in NAMES:
            user = f"p{self.scope.replace('.', '')}{name}"
            add_user(server, user, self.scope)
            token = server.login(user, PASSWORD, device_id=f"dev-{user}")
            clients[name] = HttpClient(folder / name, proxy.url, user, token, read_timeout_s=5)
        super().__init__(clients)

    def _token(self) -> str:
        return str(self.clients["a"].token)

    def server_records(self) -> dict[tuple[str, str], dict[str, Any]]:
        return live(server_feed(self.server, self._token()))

    def server_conflict_values(self) -> dict[tuple[str, str], list[Any]]:
        seen: dict[tuple[str, str], list[Any]] = defaultdict(list)
        r = self.server.request("GET", "/v1/conflicts?limit=1000", token=self._token())
        assert r.status_code == 200, r.text
        for item in r.json()["conflicts"]:
            for name, detail in item["fields"].items():
                seen[(item["record_id"], name)] += [detail.get("mine"), detail.get("theirs")]
        return seen

    def inject(self, client: Any, kind: str, after: int) -> None:
        fault = "lost" if kind == "lost_answer" else "drop"
        self.proxy.script = [] if after < 0 else ["ok"] * after + [fault]


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(op, min_size=3, max_size=10), choices=st.data())
def test_three_clients_converge_through_a_real_server(
    server: ServerProcess, fast_dir: Path, steps: list[tuple[Any, ...]], choices: st.DataObject
) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=fast_dir))
    with FaultProxy(server.port) as proxy:
        world = RealServerWorld(server, proxy, folder)
        try:
            world.setup()
            for step in steps:
                world.run(step)
            world.settle(choices)
            check_converged(world)
        finally:
            world.close()
