"""schemathesis against the served OpenAPI description: no input gives a 5xx answer,
and every answer matches the schema.

The server is a real process. Every operation of /openapi.json gets a bounded
number of generated requests, both schema-conforming (positive) and
schema-violating (negative), sent with a valid KPU RI token. Each answer is
checked by schemathesis: no server error, a documented content type, a body that
matches the response schema of its status (error bodies included).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import FailureGroup

from tests.integration.server_process import ServerProcess

pytestmark = pytest.mark.slow

PASSWORD = "rahasia-uji-123"
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
CHECKS = (
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
)


def _run(operation: Any, mode: GenerationMode, token: str, failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        headers = {}
        if case.path != "/v1/auth/logout":  # keep the token alive for the other operations
            headers["Authorization"] = f"Bearer {token}"
        response = case.call(headers=headers, timeout=30)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} ({mode.value}) -> "
                f"{response.status_code}: {response.text[:300]}"
            )
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:
            failures.append(
                f"{case.method} {case.formatted_path} ({mode.value}) -> "
                f"{response.status_code}: {str(exc)[:400]}"
            )

    try:
        check()
    except Unsatisfiable:
        # No schema-violating request exists for an operation without inputs.
        assert mode is GenerationMode.NEGATIVE, operation.label


def test_no_generated_request_gets_a_5xx(tmp_path: Any) -> None:
    with ServerProcess.start(tmp_path / "fuzz") as server:
        server.add_user("ri", PASSWORD, role="kpu_ri", region="")
        token = server.login("ri", PASSWORD)
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12
        for operation in operations:
            for mode in EXAMPLES:
                _run(operation, mode, token, failures)
        assert not failures, "\n".join(failures[:10]) + "\n" + server.log_text()[-3000:]
