"""Bounded fuzzing with hypothesis: the XML reader answers a model or NotationError, the
expression compiler a checked expression or ExpressionError (and what it accepts never holds a
forbidden construct, and evaluates to a value or ExpressionEvaluationError), the scenario and
simulation loaders a checked file or their exit-2 error. Each property runs a bounded number of
examples (the whole file takes well under 30 s)."""

from __future__ import annotations

import ast
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.expressions import ExpressionError, ExpressionEvaluationError, SafeExpressionEngine
from studio.notation import NotationError, read_model
from studio.simulation.errors import SpecError
from studio.simulation.spec import load_spec
from studio.testing.driver import UnusableScenario
from studio.testing.scenario_file import load_scenario
from tests.attack.conftest import admin, case_model, project_zip, token, upload

BOUNDED = settings(max_examples=200, deadline=2_000, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
"""Derandomized: `make test` runs the same examples every time (a failure reproduces)."""
LOADERS = settings(BOUNDED, max_examples=100)
"""Each loader example writes a folder: fewer of them."""

# -- the XML reader --------------------------------------------------------------------------

NAMESPACES = ['xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"',
              'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"',
              'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"', 'xmlns:x="urn:x"', ""]  # fmt: skip
PIECES = ["<definitions", ">", "</definitions>", "<case", "<casePlanModel", "<planItem",
          "<process", "<startEvent/>", "<sentry>", "</sentry>", "<ifPart><condition>",
          "</condition></ifPart>", ' id="a"', ' name="n"', ' definitionRef="a"', "/>",
          "<!DOCTYPE d [", '<!ENTITY e "x">', "]>", "&e;", "&amp;", "&#0;", "&#x110000;",
          "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>", "<?pi x?>", "\x00",
          "\ufeff", "é", "<x:y", ' xsi:type="tFoo"', "<xi:include href=\"/etc/passwd\"/>"]  # fmt: skip
xml_like = st.builds(
    lambda head, parts: "".join([head, *parts]).encode(),
    st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n']),
    st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(NAMESPACES).map(" ".__add__),
                       st.text(max_size=8)), max_size=40),
)  # fmt: skip


def mutated(model: bytes) -> st.SearchStrategy[bytes]:
    """The model cut short, with bytes spliced in, or with a span repeated."""
    size = len(model)
    cut = st.integers(0, size).map(lambda n: model[:n])
    spliced = st.tuples(st.integers(0, size), st.binary(max_size=16)).map(
        lambda t: model[: t[0]] + t[1] + model[t[0] :]
    )
    repeated = st.tuples(st.integers(0, size), st.integers(1, 60), st.integers(1, 50)).map(
        lambda t: model[: t[0]] + model[t[0] : t[0] + t[1]] * t[2] + model[t[0] :]
    )
    return st.one_of(cut, spliced, repeated)


@BOUNDED
@given(st.one_of(st.binary(max_size=200), xml_like, mutated(case_model())))
def test_the_xml_reader_answers_a_model_or_its_own_error(data: bytes) -> None:
    try:
        model = read_model(data, "fuzz.cmmn")
    except NotationError as exc:
        assert exc.code.startswith("xml.") and exc.message.startswith("fuzz.cmmn")
    else:
        assert type(model).notation in ("cmmn", "bpmn", "dmn")


# -- the expression compiler -----------------------------------------------------------------

TOKENS = ["amount", "status", "claim", "items", "_x", "__class__", "__import__", "len", "str",
          "upper", "now", "days_between", "getattr", "type", "eval", "open", "lambda", "x", ":",
          "for", "in", "if", "else", "and", "or", "not", "is", "None", "True", "(", ")", "[",
          "]", "{", "}", ",", ".", "+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", ">=",
          ":=", "f'", "'", '"', "${", "&&", "||", "!", "1", "9" * 40, "1e308", "0x1f", "'a'",
          "\\", "#", ";", "\n", " ", "yield", "await", "@", "..."]  # fmt: skip
expressions = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    st.text(max_size=60),
)
FORBIDDEN_NODES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                   ast.JoinedStr, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Starred)  # fmt: skip
DATA = {"amount": 12, "status": "open", "claim": {"amount": 3}, "items": [1, 2], "x": "a"}
ENGINE = SafeExpressionEngine()


def forbidden_in(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN_NODES):
            found.append(type(node).__name__)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            found.append("**")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            found.append(f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id.startswith("__"):
            found.append(node.id)
        elif isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            found.append("a method call")
    return found


@settings(BOUNDED, max_examples=400)
@given(expressions)
def test_the_expression_compiler_refuses_in_its_own_words_and_never_runs_forbidden_code(
    source: str,
) -> None:
    try:
        compiled = ENGINE.compile(source)
    except ExpressionError as exc:
        assert exc.code.startswith("expr.") and exc.message
        return
    python = compiled.translated or compiled.source
    assert forbidden_in(ast.parse(python.strip(), mode="eval")) == [], python
    try:
        compiled.evaluate(DATA, now=datetime(2026, 1, 5, tzinfo=UTC))
    except ExpressionEvaluationError as exc:
        assert exc.code.startswith("expr.")


# -- the scenario and simulation loaders -----------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False)
    | st.sampled_from(["P1D", "PT0S", "2026-01-05T09:00:00Z", "x..y", "a.b", "Review", "@case",
                       "attack.cmmn", "../../etc/passwd", "/etc/passwd", "exponential", "fixed"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["mean", "value", "min", "max", "count", "a", "items",
                                       "case", "data", "file", "pick"]), children, max_size=4),
    max_leaves=12,
)  # fmt: skip


def documents(keys: list[str]) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


SCENARIO_KEYS = ["name", "model", "case", "start", "data", "steps"]
STEP_KEYS = ["expect", "complete", "occur", "start", "disable", "reenable", "terminate",
             "suspend", "resume", "plan", "set", "advance", "message", "data", "rejected",
             "items", "count", "correlation"]  # fmt: skip
SIM_KEYS = ["model", "case", "seed", "start", "cases", "horizon", "arrivals", "data",
            "calendars", "resources", "work", "choices", "branches", "replications", "warmup"]  # fmt: skip
scenarios = st.one_of(
    documents(SCENARIO_KEYS),
    st.builds(lambda doc, steps: {"name": "n", "model": "attack.cmmn", **doc, "steps": steps},
              documents(["case", "start", "data"]), st.lists(documents(STEP_KEYS), max_size=4)),
)  # fmt: skip
simulations = st.one_of(
    documents(SIM_KEYS),
    st.builds(lambda doc: {"model": "attack.cmmn", "cases": 3, "arrivals": {"interval": {
        "distribution": "fixed", "value": "PT1M"}}, **doc}, documents(SIM_KEYS[1:])),
)  # fmt: skip


def written(name: str, document: object) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="studio-fuzz-"))
    (folder / "attack.cmmn").write_bytes(case_model())
    path = folder / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


@LOADERS
@given(st.one_of(scenarios, st.text(max_size=40)))
def test_the_scenario_loader_answers_a_scenario_or_an_unusable_file(document: object) -> None:
    try:
        scenario = load_scenario(written("fuzz.scenario.json", document))
    except UnusableScenario as exc:
        assert str(exc).startswith("fuzz.scenario.json: ")
    else:
        assert scenario.model.name == "attack.cmmn"


@LOADERS
@given(st.one_of(simulations, st.text(max_size=40)))
def test_the_simulation_loader_answers_a_spec_or_an_unusable_file(document: object) -> None:
    try:
        spec = load_spec(written("fuzz.sim.json", document))
    except SpecError as exc:
        assert str(exc).startswith("fuzz.sim.json")
    else:
        assert spec.model.name == "attack.cmmn"


# -- actions over HTTP -----------------------------------------------------------------------

VERBS = ["complete", "occur", "start", "disable", "reenable", "terminate", "suspend", "resume",
         "plan", "set", "advance", "message", "signal", "bind", "close", "retry", "claim", "x"]  # fmt: skip
TARGETS = st.one_of(st.sampled_from(["Review", "Done", "@case", "pi_review", "ht_review", "", "P1D",
                                     "a.b", "__class__"]), json_values)  # fmt: skip
actions = st.one_of(
    st.builds(lambda verb, target, more: {verb: target, **more}, st.sampled_from(VERBS), TARGETS,
              st.dictionaries(st.sampled_from(["data", "rejected", "correlation", "role"]),
                              json_values, max_size=2)),
    json_values,
)  # fmt: skip


@settings(BOUNDED, max_examples=100, suppress_health_check=list(HealthCheck))
@given(action=actions)
def test_any_action_over_http_is_answered_in_words_never_with_an_internal_error(
    app, client, action
) -> None:
    """One app for every example (its cases pile up): the action vocabulary with odd targets and
    data, as case worker and admin."""
    case = _fuzzed_case(app, client)
    for headers in (token(client, "carl"), admin(client)):
        done = client.post(f"/api/v1/cases/{case}/actions", headers=headers, json=action)
        assert done.status_code in (200, 400, 403, 404, 409, 422), (action, done.get_json())
        assert done.is_json and ("error" in done.get_json()) == (done.status_code != 200)


def _fuzzed_case(app, client) -> str:
    """A case of the one-task model, started once per app and again once it has ended."""
    runtime = app.extensions["studio"]
    if not runtime.deployments.list():
        done = client.post("/api/v1/deployments", headers=admin(client),
                           data=upload(project_zip({"attack.cmmn": case_model()})))  # fmt: skip
        assert done.status_code == 201, done.get_json()
    case = app.extensions.get("attack.fuzzed-case")
    if (
        case is None
        or client.get(f"/api/v1/cases/{case}", headers=admin(client)).get_json()["state"]
        != "active"
    ):
        started = client.post("/api/v1/cases", headers=token(client, "carl"),
                              json={"case": "Attack", "data": {"amount": 20}})  # fmt: skip
        case = app.extensions["attack.fuzzed-case"] = started.get_json()["id"]
    return case
