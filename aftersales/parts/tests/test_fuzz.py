"""Generated input against the parts, stock and warranty endpoints (more cases than the global fuzz
test, and with rows to hit): never a 500, every error the documented JSON body, PostgreSQL or SQLite."""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NotSet

from aftersales.core.testing import bearer, make_org, make_user

from .factories import part, stock

EXAMPLES = 25
PREFIXES = ("/api/v1/parts", "/api/v1/stock", "/api/v1/warranty")


def _operations():
    from config.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [op for op in (r.ok() for r in schema.get_all_operations()) if op.path.startswith(PREFIXES)]


def _send(client, case, auth: dict):
    path = case.formatted_path + ("?" + urlencode(case.query or {}, doseq=True) if case.query else "")
    kwargs = dict(auth)
    if case.body is not None and not isinstance(case.body, NotSet):
        kwargs["data"] = json.dumps(case.body, default=str)
        kwargs["content_type"] = "application/json"
    return client.generic(case.method, path, **kwargs)


@pytest.mark.django_db
def test_generated_input_never_breaks_the_parts_and_warranty_api(client):
    org = make_org()
    for i in range(3):
        stock(org["a"], part(f"FZ{i}"), on_hand="5", reserved="1")
    auth = bearer(make_user("fuzz-clerk", point=org["a"], role="point_manager"))
    failures: list[str] = []
    operations = _operations()
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            response = _send(client, case, auth)
            label = f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}"
            if response.status_code >= 500:
                failures.append(f"{label} → {response.status_code}")
            elif response.status_code >= 400:
                body = response.json()
                if not {"code", "message", "fields"} <= set(body):
                    failures.append(f"{label} → {response.status_code} without the error body: {body}")

        exercise()
    assert not failures, "\n".join(sorted(set(failures))[:30])
