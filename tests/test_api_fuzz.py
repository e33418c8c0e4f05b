"""Generated requests against /api/v1/openapi.json (schemathesis), on the UK data and
both backends: whatever the document allows, and much it does not, the API never
answers 500.

Rate limits are lifted for the run (they would answer 429 to the generator and
hide the code behind them); they have tests of their own. The operations are
walked here rather than with schemathesis's pytest parametrisation, which does not
run on pytest 9."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.slow

LIFTED = {
    "TURFMAP_API_RATE_LIMIT": None,
    "TURFMAP_COMMIT_LIMIT": None,
    "TURFMAP_RSVP_LIMIT": None,
    "TURFMAP_RSVP_CONTACT_LIMIT": None,
}
EXAMPLES_PER_OPERATION = 100  # 12 operations: 1,200 requests a backend


@pytest.fixture
def lifted(uk_app):
    saved = {key: uk_app.config[key] for key in LIFTED}
    uk_app.config.update(LIFTED)
    yield uk_app
    uk_app.config.update(saved)


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_generated_request_gets_a_server_error(lifted):
    found = operations(lifted)
    assert len(found) >= 12
    counted = {"requests": 0}
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            counted["requests"] += 1
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])

        run()
    assert counted["requests"] >= 1000
