"""Hostile expressions and data through the HTTP API: models whose conditions try to escape
(validated, deployed, tested, simulated), hostile case data at start, in actions and in case file
paths. Each is refused in words naming the reason; nothing runs and nothing is stored."""

from __future__ import annotations

import json
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.attack.conftest import (
    PROJECTS,
    admin,
    case_model,
    error_of,
    project_zip,
    scenario,
    token,
    upload,
)


def hostile_expressions(marker: Path) -> dict[str, str]:
    """expression -> the code validation refuses it with."""
    return {
        f'__import__("os").system("touch {marker}")': "expr.forbidden",
        "().__class__.__bases__[0].__subclasses__()": "expr.forbidden",
        "amount.__class__": "expr.forbidden",
        'getattr(amount, "__globals__")': "expr.unknown-function",
        'open("/etc/passwd")': "expr.unknown-function",
        'eval("1")': "expr.unknown-function",
        "9**9**9 > 0": "expr.forbidden",
        '"a" * 10**9': "expr.forbidden",
        "(lambda: 1)()": "expr.forbidden",
        "[x for x in range(10**9)]": "expr.forbidden",
        "{x: 1 for x in items}": "expr.forbidden",
        'f"{amount}"': "expr.forbidden",
        "(y := amount)": "expr.forbidden",
        "amount." + "a" * 5000: "expr.too-long",
        "(" * 100 + "1" + ")" * 100: "expr.too-complex",
        "1" * 100 + " > amount": "expr.too-long",
        '"' + "x" * 2000 + '" == name': "expr.too-long",
    }


def test_validation_and_deployment_refuse_every_hostile_expression(app, client, tmp_path) -> None:
    marker = tmp_path / "escaped"
    expected = {f"e{n}.cmmn": (expression, code) for n, (expression, code) in
                enumerate(hostile_expressions(marker).items())}  # fmt: skip
    models = {name: case_model(escape(expression)) for name, (expression, _) in expected.items()}
    ann = token(client, "ann")
    created = client.post(PROJECTS, headers=ann, json={"key": "expr", "files": {
        "attack.cmmn": case_model().decode()}})  # fmt: skip
    project = created.get_json()["id"]
    report = client.post(f"{PROJECTS}/{project}/validate", headers=ann, json={
        "files": {name: model.decode() for name, model in models.items()}}).get_json()  # fmt: skip
    found = {entry["file"]: entry["problems"] for entry in report["files"]}
    done = client.post("/api/v1/deployments", headers=admin(client),
                       data=upload(project_zip(models)))  # fmt: skip
    assert done.status_code == 422
    refused = {p["file"]: p for p in error_of(done)["details"]["problems"]}
    for name, (expression, code) in expected.items():
        [problem] = found[name]
        assert (problem["code"], problem["element"], problem["severity"]) == (
            code, "if_done", "error"), (expression[:60], problem)  # fmt: skip
        assert refused[name]["code"] == code, expression[:60]
    assert app.extensions["studio"].deployments.list() == []
    assert not marker.exists()


def test_a_scenario_of_a_hostile_model_is_unusable_and_nothing_runs(client, tmp_path) -> None:
    marker = tmp_path / "escaped"
    hostile = case_model(escape(f'__import__("os").system("touch {marker}")'))
    files = {"attack.cmmn": hostile.decode(), "good.cmmn": case_model().decode(),
             "hostile.scenario.json": json.dumps(scenario()),
             "outside.scenario.json": json.dumps(scenario("../../../../etc/passwd")),
             "paths.scenario.json": json.dumps(scenario("good.cmmn", steps=[{"set": {"a..b": 1}}])),
             "good.scenario.json": json.dumps(scenario("good.cmmn"))}  # fmt: skip
    ann = token(client, "ann")
    project = client.post(PROJECTS, headers=ann, json={"key": "s", "files": files}).get_json()["id"]
    done = client.post(f"{PROJECTS}/{project}/versions/1/tests", headers=ann, json={})
    assert done.status_code == 200, done.get_json()
    results = {s["file"]: s for s in done.get_json()["scenarios"]}
    assert results["good.scenario.json"]["passed"] is True
    assert "expr.forbidden [if_done]" in results["hostile.scenario.json"]["error"]
    assert "outside the project" in results["outside.scenario.json"]["error"]
    assert '"a..b" is not a dotted path' in results["paths.scenario.json"]["error"]
    assert not any(results[f]["steps"] for f in results if f != "good.scenario.json")
    assert not marker.exists()


def test_simulations_of_hostile_files_are_refused_in_words(client, tmp_path) -> None:
    marker = tmp_path / "escaped"
    hostile = case_model(escape(f'__import__("os").system("touch {marker}")'))
    sim = {"model": "attack.cmmn", "case": "Attack", "cases": 3,
           "arrivals": {"interval": {"distribution": "fixed", "value": "PT1M"}}}  # fmt: skip
    ann = token(client, "ann")
    project = client.post(PROJECTS, headers=ann, json={"key": "sim", "files": {
        "attack.cmmn": hostile.decode(), "a.sim.json": json.dumps(sim)}}).get_json()["id"]  # fmt: skip
    url = f"{PROJECTS}/{project}/versions/1/simulations"
    for spec, words in [({**sim, "model": "/etc/passwd"}, "model names a file outside"),
                        ({**sim, "model": "../x.cmmn"}, "model names a file outside"),
                        ({**sim, "data": {"file": "../../../etc/passwd.json"}},
                         "data.file names a file outside"),
                        ({**sim, "cases": "9**9**9"}, "cases")]:  # fmt: skip
        refused = client.post(url, headers=ann, json={"file": "a.sim.json", "spec": spec})
        assert refused.status_code == 422, spec
        assert words in error_of(refused)["message"]
    started = client.post(url, headers=ann, json={"file": "a.sim.json"})
    assert started.status_code == 201, started.get_json()
    job = started.get_json()
    deadline = time.monotonic() + 60
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/v1/simulations/{job['id']}", headers=ann).get_json()
    assert job["state"] == "failed", job
    assert "expr.forbidden [if_done]" in job["error"] and "result" not in job
    assert not marker.exists()


@pytest.fixture
def case(client) -> str:
    """A running case whose sentry evaluates `len("a" * amount) > 0` when Review completes."""
    model = case_model(escape('len("a" * amount) > 0'))
    done = client.post("/api/v1/deployments", headers=admin(client),
                       data=upload(project_zip({"attack.cmmn": model})))  # fmt: skip
    assert done.status_code == 201, done.get_json()
    started = client.post("/api/v1/cases", headers=token(client, "carl"),
                          json={"case": "Attack", "data": {"amount": 10**9}})  # fmt: skip
    assert started.status_code == 201, started.get_json()
    return started.get_json()["id"]


def state(client, case_id: str) -> dict:
    view = client.get(f"/api/v1/cases/{case_id}", headers=admin(client)).get_json()
    history = client.get(f"/api/v1/cases/{case_id}/history", headers=admin(client)).get_json()
    return {"data": view["data"], "items": view["items"], "history": history}


def test_an_expression_too_costly_on_the_data_refuses_the_action(client, case) -> None:
    before = state(client, case)
    carl = token(client, "carl")
    started = time.monotonic()
    done = client.post(f"/api/v1/cases/{case}/actions", headers=carl, json={"complete": "Review"})
    assert time.monotonic() - started < 5
    assert done.status_code == 422
    assert "expr.too-large" in error_of(done)["message"]
    assert state(client, case) == before
    fixed = client.patch(f"/api/v1/cases/{case}/data", headers=carl, json={"amount": 3})
    assert fixed.status_code == 200
    assert client.post(f"/api/v1/cases/{case}/actions", headers=carl,
                       json={"complete": "Review"}).status_code == 200  # fmt: skip


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_hostile_data_when_starting_a_case_is_refused(client, case) -> None:
    carl = token(client, "carl")
    listed = client.get("/api/v1/cases", headers=carl).get_json()["cases"]
    bodies = ['{"case": "Attack", "data": {"a": ' + nested(100_000) + "}}",
              '{"case": "Attack", "data": {"a": NaN}}',
              '{"case": "Attack", "data": {"a": Infinity}}',
              '{"case": "Attack", "data": {"a": ' + "9" * 5000 + "}}"]  # fmt: skip
    reasons = ["nests too deeply", "holds NaN", "holds Infinity", "send {"]
    for body, reason in zip(bodies, reasons, strict=True):
        done = client.post(
            "/api/v1/cases", headers=carl, data=body, content_type="application/json"
        )
        assert done.status_code == 400, body[:60]
        assert error_of(done)["code"] == "bad-request" and reason in error_of(done)["message"]
    deep = client.post("/api/v1/cases", headers=carl,
                       json={"case": "Attack", "data": {"a": json.loads(nested(100))}})  # fmt: skip
    assert deep.status_code == 422 and "nests deeper than 64 levels" in error_of(deep)["message"]
    assert client.get("/api/v1/cases", headers=carl).get_json()["cases"] == listed


def test_hostile_paths_and_data_in_actions_are_refused(client, case) -> None:
    carl = token(client, "carl")
    before = state(client, case)
    url = f"/api/v1/cases/{case}/actions"
    for path in ["a..b", "." * 1000, ".".join(["a"] * 5000), "", "a."]:
        done = client.post(url, headers=carl, json={"set": {path: 1}})
        assert done.status_code == 422, path[:40]
        assert "is not a dotted path" in error_of(done)["message"]
        patched = client.patch(f"/api/v1/cases/{case}/data", headers=carl, json={path: 1})
        assert patched.status_code == 422, path[:40]
    deep = json.loads(nested(100))
    for action in [{"set": {"a": deep}}, {"complete": "Review", "data": {"a": deep}}]:
        done = client.post(url, headers=carl, json=action)
        assert done.status_code == 422 and "nests deeper" in error_of(done)["message"]
    body = '{"complete": "Review", "data": {"a": ' + nested(100_000) + "}}"
    done = client.post(url, headers=carl, data=body, content_type="application/json")
    assert done.status_code == 400 and "nests too deeply" in error_of(done)["message"]
    assert state(client, case) == before
    # Keys that look like Python internals are plain data: stored, never an attribute.
    dunder = client.patch(f"/api/v1/cases/{case}/data", headers=carl,
                          json={"__class__.__init__": "x", "a.__globals__": 1})  # fmt: skip
    assert dunder.status_code == 200
    assert dunder.get_json()["__class__"] == {"__init__": "x"}


SCRIPTED = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="Scripted" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
    <scriptTask id="t1" scriptFormat="{format}"><script>{script}</script></scriptTask>
    <sequenceFlow id="f2" sourceRef="t1" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>
"""


def test_hostile_script_tasks_are_never_deployed(app, client, tmp_path) -> None:
    marker = tmp_path / "escaped"
    scripts = {
        ("python", f'x = 1\ny = __import__("os").system("touch {marker}")'): "expr.forbidden",
        ("python", "x = 1\n__builtins__ = {}"): "expr.forbidden",
        ("python", "x = (lambda: 1)()"): "expr.forbidden",
        ("groovy", f'Runtime.getRuntime().exec("touch {marker}")'): "bpmn.process.cannot-run",
        ("javascript", "java.lang.System.exit(1)"): "bpmn.process.cannot-run",
    }
    for (language, script), code in scripts.items():
        model = SCRIPTED.format(format=language, script=escape(script)).encode()
        done = client.post("/api/v1/deployments", headers=admin(client),
                           data=upload(project_zip({"scripted.bpmn": model})))  # fmt: skip
        assert done.status_code == 422, script
        codes = [
            p["code"] for p in error_of(done)["details"]["problems"] if p["severity"] == "error"
        ]
        assert codes == [code], (script, codes)
    assert app.extensions["studio"].deployments.list() == []
    assert not marker.exists()


def test_hostile_decision_table_cells_are_never_deployed(app, client) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_models" / "mail-distribution"
    files = {path.name: path.read_bytes() for path in sample.iterdir() if path.is_file()}
    table = files["mail-routing.dmn"].decode()
    cells = {
        "<text>mail.addressee.match</text>": "<text>mail.__class__</text>",
        '<inputEntry id="rule_direct_confidential_1"><text>"exact"</text>':
            '<inputEntry id="rule_direct_confidential_1"><text>not(__import__("os"))</text>',
        '<outputEntry id="rule_direct_confidential_o1"><text>"direct"</text>':
            '<outputEntry id="rule_direct_confidential_o1"><text>(lambda: 1)()</text>',
    }  # fmt: skip
    for cell, hostile in cells.items():
        assert cell in table
        changed = {**files, "mail-routing.dmn": table.replace(cell, hostile).encode()}
        done = client.post("/api/v1/deployments", headers=admin(client),
                           data=upload(project_zip(changed)))  # fmt: skip
        assert done.status_code == 422, hostile
        [problem] = error_of(done)["details"]["problems"]
        assert problem["code"] == "cmmn.case.cannot-run" and "Route the mail" in problem["message"]
    assert app.extensions["studio"].deployments.list() == []
    untouched = client.post("/api/v1/deployments", headers=admin(client),
                            data=upload(project_zip(files)))  # fmt: skip
    assert untouched.status_code == 201, untouched.get_json()
