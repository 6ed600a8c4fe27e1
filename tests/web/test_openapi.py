"""The OpenAPI document describes exactly the routes of the API blueprint, with their methods."""

from __future__ import annotations

import re


def test_every_api_route_is_described_and_nothing_else(app) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == described


def test_every_operation_documents_its_error_responses_as_json_errors(app) -> None:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            secured = operation.get("security", document["security"]) != []
            if secured:
                assert {"401", "403"} <= set(operation["responses"]), (path, method)
