"""A case worker's request cannot grow a case file by megabytes; uploads keep their own limit."""

from __future__ import annotations

import io

from studio.web.limits import CASE_BODY
from tests.web.conftest import admin


def test_a_case_body_over_the_limit_is_a_413_and_changes_nothing(client) -> None:
    headers = admin(client)
    from tests.web.test_simulations_api import project

    deployed = client.post("/api/v1/deployments", headers=headers,
                           data={"file": (io.BytesIO(project(10)), "b.zip")})  # fmt: skip
    assert deployed.status_code == 201
    before = client.get("/api/v1/cases", headers=headers).get_json()
    huge = {"case": "bench_process", "data": {"note": "x" * CASE_BODY}}
    refused = client.post("/api/v1/cases", json=huge, headers=headers)
    assert refused.status_code == 413 and refused.get_json()["error"]["message"]
    assert client.get("/api/v1/cases", headers=headers).get_json() == before
    small = {"case": "bench_process", "data": {"note": "x" * 1000}}
    assert client.post("/api/v1/cases", json=small, headers=headers).status_code == 201
