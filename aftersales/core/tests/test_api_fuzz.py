"""Schemathesis drives every documented endpoint with generated input: never a 500, and every
error is the documented JSON body. Runs as the HQ manager so that permission checks do not hide the
handlers."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NotSet

from aftersales.core.testing import bearer, make_org, make_user

EXAMPLES_PER_OPERATION = 8


def _operations():
    from config.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


def _send(client, case, auth: dict):
    """Replay a generated case through Django's test client (in-process, inside the test transaction)."""
    path = case.formatted_path + ("?" + urlencode(case.query or {}, doseq=True) if case.query else "")
    kwargs = dict(auth)
    if case.body is not None and not isinstance(case.body, NotSet):
        if case.media_type == "multipart/form-data":
            return client.generic(case.method, path, **kwargs)  # uploads have their own tests
        kwargs["data"] = json.dumps(case.body, default=str)
        kwargs["content_type"] = "application/json"
    return client.generic(case.method, path, **kwargs)


def _fuzz(client, part: int):
    """Every ``SLICES``-th operation from the ``part``-th on."""
    org = make_org()
    auth = bearer(make_user("fuzz-hq", point=org["hq"], role="hq_manager"))
    failures: list[str] = []
    calls = 0

    for operation in _operations()[part::SLICES]:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            if operation.path.startswith("/api/v1/auth/token") and case.method == "POST":
                return  # failed log-ins would lock the fuzzing user's address out
            nonlocal calls
            calls += 1
            response = _send(client, case, auth)
            label = f"{case.method} {case.formatted_path}"
            if response.status_code >= 500:
                failures.append(f"{label} → {response.status_code}")
            elif response.status_code >= 400 and "json" in response.get("Content-Type", ""):
                body = response.json()
                if not {"code", "message", "fields"} <= set(body):
                    failures.append(f"{label} → {response.status_code} without the error body: {body}")

        exercise()
    assert calls >= EXAMPLES_PER_OPERATION  # the fuzzing really ran
    assert not failures, "\n".join(sorted(set(failures))[:30])


# The operations in slices of their own classes, so that pytest-xdist (which keeps a class on one worker)
# fuzzes them in parallel: this is the suite's longest test.
SLICES = 2


@pytest.mark.django_db
class TestFirstSlice:
    def test_no_input_makes_the_api_fail(self, client):
        _fuzz(client, 0)


@pytest.mark.django_db
class TestSecondSlice:
    def test_no_input_makes_the_api_fail(self, client):
        _fuzz(client, 1)
