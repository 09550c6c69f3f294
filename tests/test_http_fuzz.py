"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis), bounded: valid and invalid
requests to every operation, checking that none gets a 5xx and that every response matches the schema."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from integrations.http import create_app
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import make_settings

TOKEN = "fuzz-admin-token"  # so /index/rebuild is in the schema and fuzzed too (it can only answer 401 here)

# The schema does not depend on the engine: read it from an app that is never started.
schema = schemathesis.openapi.from_dict(create_app(make_settings(admin_token=TOKEN)).openapi())


@pytest.fixture(scope="module")
def fuzz_client(seed_settings: Settings, engine: Engine) -> Iterator[asgi.ASGIClient]:
    """The real app over the seed index, started once (lifespan) for all generated requests."""
    app = create_app(make_settings(**{**seed_settings.model_dump(), "admin_token": TOKEN}), engine)
    with asgi.get_client(app) as client:
        yield client


SEEN: dict[str, Counter[int]] = defaultdict(Counter)  # operation -> statuses answered


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case, fuzz_client: asgi.ASGIClient) -> None:
    response = case.call_and_validate(
        session=fuzz_client,
        base_url=f"http://{asgi.HOST}",
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    SEEN[f"{case.operation.method.upper()} {case.operation.path}"][response.status_code] += 1


def test_the_fuzzer_reached_every_operation_with_good_and_bad_requests() -> None:
    if not SEEN:
        pytest.skip("the fuzz test did not run in this session")
    operations = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert set(SEEN) == operations
    assert SEEN["POST /ask"][200] > 0 and SEEN["POST /ask"][422] > 0, SEEN["POST /ask"]
    assert set(SEEN["POST /index/rebuild"]) <= {401, 405, 422}, SEEN["POST /index/rebuild"]  # 405: other methods
