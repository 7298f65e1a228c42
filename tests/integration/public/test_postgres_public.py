"""The public part on PostgreSQL behind two server processes: same figures, shared limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.public.conftest import NOW, PASSWORD, PublicWorld
from tests.integration.server.test_postgres import pg_url  # noqa: F401 (fixture)
from tests.integration.server_process import ServerProcess
from tests.public_seed import seed

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_two_processes_share_figures_limits_and_objections(
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    # Each process reads the other's writes at once (no stamp kept between requests:
    # by default a page may lag another process's write by 200 ms).
    env = {
        "SILON_SERVER_NOW": NOW,
        "SILON_PUBLIC_CHECKS_PER_NIK": "3",
        "SILON_PUBLIC_STAMP_TTL_MS": "0",
    }
    with (
        ServerProcess.start(tmp_path / "a", database_url=pg_url, env=env) as a,
        ServerProcess.start(tmp_path / "b", database_url=pg_url, env=env) as b,
    ):
        a.add_user("op3214", PASSWORD, role="kabkota", region="32.14")
        s = seed(10)
        w = PublicWorld(a, a.login("op3214", PASSWORD), s)
        assert {r["status"] for r in w.push([m.to_wire() for m in s.mutations])} == {"applied"}
        docs = [srv.request("GET", "/publik/data/pemilihan.json").json() for srv in (a, b)]
        assert docs[0]["elections"] == docs[1]["elections"]
        pair = next(p for p in docs[1]["elections"][0]["pairs"] if p["id"] == s.independent_id)
        assert pair["support"]["totals"]["submitted"] == 10
        _rid, nik, birth, *_ = next(r for r in s.supporters if r[5] == "")
        form = {"nik": nik, "birth_date": birth}
        codes = [srv.request("POST", "/publik/cek", data=form).status_code for srv in (a, b, a, b)]
        assert codes == [200, 200, 200, 429]  # the per-NIK limit holds across processes
        other = next(r for r in s.supporters if r[5] == "MS")
        filed = b.request(
            "POST",
            "/publik/keberatan",
            data={"nik": other[1], "birth_date": other[2], "pair_id": s.independent_id},
        )
        assert 'id="object-filed"' in filed.text
        after = a.request("GET", f"/publik/pasangan/{s.independent_id}").text
        assert 'id="objections">1 ' in after
