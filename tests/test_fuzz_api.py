"""Property-based fuzzing of the REST API (schemathesis over the app's own OpenAPI document, on
hypothesis), with each role's token: no answer is a 5xx, and every answer fits the document.

FUZZ_EXAMPLES (default 8) sets the examples per operation, role and mode: small enough for CI, larger
for a search before a release (FUZZ_RANDOM=1 FUZZ_EXAMPLES=200 make test PYTEST_ARGS=tests/test_fuzz_api.py)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import OpenAPIV30SpecValidator
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.accounts.models import Role

# The same examples on every run unless FUZZ_RANDOM is set: CI stays reproducible, a search can roam.
SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", [Role.BUREAU, Role.POLICE, Role.FIRM, Role.CONSTRUCTION, Role.ADMIN])
def test_no_request_earns_a_5xx_and_every_answer_fits_the_document(app, auth, role, mode):
    """Valid requests (positive) and requests that break the document on purpose (negative)."""
    headers = auth(role)
    failures = []
    for operation in operations(app):

        @SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Unsatisfiable:  # nothing to negate: every value of its one text parameter is valid
            continue
        except (Exception, FailureGroup) as exc:  # a FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.method.upper()} {operation.path}: {_summary(exc)}")
    assert failures == [], "\n\n".join(failures)


def _summary(exc: Exception) -> str:
    """The failed checks' titles and the request that failed, not the whole report."""
    lines = [line.strip(" |") for line in str(exc).splitlines()]
    keep = [line for line in lines if line.startswith(("- ", "[", "curl")) or "was unexpected" in line]
    return "; ".join(keep[:6]) or lines[0][:300]


def test_the_openapi_document_is_valid_openapi_3(client):
    """Checked by a validator library: a fuzzer reads every operation only from a valid document."""
    document = client.get("/api/openapi.json").get_json()
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in OpenAPIV30SpecValidator(document).iter_errors()
    ]
    assert errors == []
    error = document["components"]["schemas"]["Error"]["properties"]
    assert {"code", "status", "message", "errors", "existing_id", "missing_photos", "reasons"} <= set(error)


def test_the_fields_a_409_and_a_422_carry_are_in_the_error_schema(client, bureau, make_firm):
    make_firm(name="甲企业", credit_code="91110000600037341L")
    duplicate = {"name": "乙企业", "industry": "steel", "credit_code": "91110000600037341L"}
    answer = client.post("/api/v1/firms", json=duplicate, headers=bureau)
    assert answer.status_code == 409 and answer.get_json()["existing_id"]
    document = client.get("/api/openapi.json").get_json()
    declared = set(document["components"]["schemas"]["Error"]["properties"])
    assert set(answer.get_json()) <= declared
