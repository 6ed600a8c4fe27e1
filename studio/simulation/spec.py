"""Reading a `*.sim.json` file into a checked, typed `SimulationSpec` (or a `SpecError`)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import get_close_matches
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from studio.expressions import TimerError, parse_datetime
from studio.jsonfile import JsonFileError, read_json
from studio.simulation.calendars import Calendar
from studio.simulation.distributions import (
    Distribution,
    draw,
    parse_distribution,
    parse_probabilities,
    parse_seconds,
)
from studio.simulation.errors import SpecError
from studio.simulation.sampledata import SUFFIXES

MAX_BYTES = 1_000_000
"""Largest sim file read."""

DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
"""The virtual clock's start when the file gives none (fixed, so runs repeat)."""

SUFFIX = ".sim.json"


@dataclass(frozen=True, slots=True)
class ArrivalSpec:
    """Time between arrivals; arrivals outside `calendar` move to its next opening."""

    interval: Distribution
    calendar: str | None = None


@dataclass(frozen=True, slots=True)
class DataSpec:
    """The sample records file (resolved) and how each case picks one."""

    file: Path
    pick: Literal["sequential", "random"] = "sequential"


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """`count` interchangeable resources of one role, working inside `calendar`."""

    count: int
    calendar: str | None = None
    cost_per_hour: float = 0.0


@dataclass(frozen=True, slots=True)
class Output:
    """One result a task writes: a drawn outcome (`outcomes`) or a drawn number
    (`distribution`)."""

    outcomes: tuple[tuple[str, float], ...] = ()
    distribution: Distribution | None = None

    def draw(self, rng: random.Random) -> str | float:
        """One value: an outcome by its probability, or a sample of the distribution."""
        if self.distribution is not None:
            return self.distribution.sample(rng)
        return draw(self.outcomes, rng)


@dataclass(frozen=True, slots=True)
class WorkSpec:
    """How one activity is worked: by which role, for how long, with which results."""

    resource: str | None = None
    duration: Distribution | None = None
    output: dict[str, Output] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    """A case worker takes the item with `probability`, `after` it becomes enabled/available."""

    probability: float
    after: Distribution | None = None


@dataclass(frozen=True, slots=True)
class SimulationSpec:
    """A checked simulation file; times are seconds, `start` is epoch seconds (UTC)."""

    file: Path
    model: Path
    case: str | None
    seed: int
    start: float
    cases: int | None
    horizon: float | None
    arrivals: ArrivalSpec
    data: DataSpec | None
    calendars: dict[str, Calendar]
    resources: dict[str, ResourceSpec]
    work: dict[str, WorkSpec]
    choices: dict[str, ChoiceSpec]
    branches: dict[str, tuple[tuple[str, float], ...]]
    replications: int
    warmup: float
    raw: dict[str, Any] = field(repr=False, compare=False)


def load_spec(path: Path, shown: str | None = None) -> SimulationSpec:
    """Read and check a sim file, its model and data file included; `shown` is how errors name
    it (default: its name)."""
    shown = shown or path.name
    try:
        return _build(_read(path), path, check_files=True)
    except SpecError as exc:
        raise exc.located(shown) from None


def validate_document(doc: Any, file: str | Path | None = None) -> None:
    """Every check of a sim document that needs no other file (the model and data file are not
    looked for); errors name `file`."""
    try:
        _build(doc, Path(file or SUFFIX), check_files=False)
    except SpecError as exc:
        raise exc.located(file) if file is not None else exc from None


def _read(path: Path) -> Any:
    try:
        return read_json(path, MAX_BYTES, 'not JSON: key "{key}" appears twice in one object')
    except JsonFileError as exc:
        raise SpecError(str(exc)) from None


def _build(doc: Any, file: Path, *, check_files: bool) -> SimulationSpec:
    _check_schema(doc)
    model = _resolved(file, doc["model"], "model", check_files)
    cases, horizon, warmup = _extent(doc)
    calendars = {
        name: Calendar.from_spec(spec, f"calendars.{name}")
        for name, spec in doc.get("calendars", {}).items()
    }
    arrivals = doc["arrivals"]
    resources = {
        name: ResourceSpec(
            count=int(spec["count"]),
            calendar=_calendar(spec, f"resources.{name}", calendars),
            cost_per_hour=float(spec.get("cost_per_hour", 0)),
        )
        for name, spec in doc.get("resources", {}).items()
    }
    return SimulationSpec(
        file=file,
        model=model,
        case=doc.get("case"),
        seed=int(doc.get("seed", 0)),
        start=_start(doc),
        cases=cases,
        horizon=horizon,
        arrivals=ArrivalSpec(
            interval=parse_distribution(arrivals["interval"], "arrivals.interval"),
            calendar=_calendar(arrivals, "arrivals", calendars),
        ),
        data=_data(doc, file, check_files),
        calendars=calendars,
        resources=resources,
        work={
            name: _work(spec, f"work.{name}", resources)
            for name, spec in doc.get("work", {}).items()
        },
        choices={
            name: ChoiceSpec(
                probability=float(spec["probability"]),
                after=_optional(spec, "after", f"choices.{name}"),
            )
            for name, spec in doc.get("choices", {}).items()
        },
        branches={
            gateway: parse_probabilities(flows, f"branches.{gateway}")
            for gateway, flows in doc.get("branches", {}).items()
        },
        replications=int(doc.get("replications", 1)),
        warmup=warmup,
        raw=doc,
    )


def _resolved(file: Path, name: str, where: str, check_files: bool) -> Path:
    path = file.parent / name
    if check_files and not path.is_file():
        raise SpecError(f'"{name}" not found (looked for {path})', where)
    return path


def _start(doc: dict[str, Any]) -> float:
    if "start" not in doc:
        return DEFAULT_START
    try:
        return parse_datetime(doc["start"]).timestamp()
    except TimerError as exc:
        raise SpecError(str(exc), "start") from None


def _extent(doc: dict[str, Any]) -> tuple[int | None, float | None, float]:
    """(cases, horizon, warmup): exactly one of the first two."""
    if "cases" in doc and "horizon" in doc:
        raise SpecError('give "cases" or "horizon", not both', "horizon")
    if "cases" not in doc and "horizon" not in doc:
        raise SpecError('missing "cases" (or "horizon")')
    horizon = parse_seconds(doc["horizon"], "horizon") if "horizon" in doc else None
    if horizon is not None and horizon <= 0:
        raise SpecError("must be longer than 0", "horizon")
    warmup = parse_seconds(doc["warmup"], "warmup") if "warmup" in doc else 0.0
    if horizon is not None and warmup >= horizon:
        raise SpecError("must be shorter than the horizon", "warmup")
    cases = int(doc["cases"]) if "cases" in doc else None
    return cases, horizon, warmup


def _calendar(spec: dict[str, Any], where: str, calendars: dict[str, Calendar]) -> str | None:
    name = spec.get("calendar")
    if name is not None and name not in calendars:
        raise SpecError(f'unknown calendar "{name}"; {_known(calendars)}', f"{where}.calendar")
    return name


def _known(names: dict[str, Any]) -> str:
    return f"known: {', '.join(sorted(names))}" if names else "none is defined"


def _data(doc: dict[str, Any], file: Path, check_files: bool) -> DataSpec | None:
    spec = doc.get("data")
    if spec is None:
        return None
    if not spec["file"].lower().endswith(SUFFIXES):
        raise SpecError(f"must name a {', '.join(SUFFIXES)} file", "data.file")
    return DataSpec(
        file=_resolved(file, spec["file"], "data.file", check_files),
        pick=spec.get("pick", "sequential"),
    )


def _work(spec: dict[str, Any], where: str, resources: dict[str, ResourceSpec]) -> WorkSpec:
    role = spec.get("resource")
    if role is not None and role not in resources:
        raise SpecError(f'unknown resource "{role}"; {_known(resources)}', f"{where}.resource")
    return WorkSpec(
        resource=role,
        duration=_optional(spec, "duration", where),
        output={
            name: _output(value, f"{where}.output.{name}")
            for name, value in spec.get("output", {}).items()
        },
    )


def _output(spec: dict[str, Any], where: str) -> Output:
    if "distribution" in spec:
        return Output(distribution=parse_distribution(spec, where))
    return Output(outcomes=parse_probabilities(spec, where))


def _optional(spec: dict[str, Any], key: str, where: str) -> Distribution | None:
    return parse_distribution(spec[key], f"{where}.{key}") if key in spec else None


@cache
def _validator() -> Draft202012Validator:
    text = files(__package__).joinpath("sim.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def _check_schema(doc: Any) -> None:
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        raise SpecError(_describe(error), _place(error.absolute_path))


def _place(path: Iterable[str | int]) -> str:
    """A JSON path as `work.Check invoice.output` or `calendars.office.hours[0]`."""
    place = ""
    for part in path:
        place += f"[{part}]" if isinstance(part, int) else f".{part}" if place else part
    return place


_TYPES = {
    "object": "an object",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "array": "an array",
    "boolean": "true or false",
}


def _describe(error: ValidationError) -> str:
    """A readable reason for a schema error (its place is the error's path)."""
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = next(key for key in instance if key not in known)
        close = get_close_matches(extra, known, n=1)
        hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(known)}"
        return f'unknown key "{extra}" ({hint})'
    if kind == "required":
        return f'missing "{next(key for key in expected if key not in instance)}"'
    if kind == "type" and expected == ["string", "number"]:
        return "must be an ISO-8601 duration or a number of seconds"
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else expected
        return f"must be {' or '.join(_TYPES.get(k, k) for k in kinds)}"
    if kind == "minLength" and "propertyNames" in error.schema_path:
        return "a name must not be empty"
    if kind in ("minLength", "minProperties"):
        return "must not be empty"
    if kind == "minimum":
        return f"must be at least {expected}, not {json.dumps(instance)}"
    if kind == "maximum":
        return f"must be at most {expected}, not {json.dumps(instance)}"
    if kind == "enum":
        return f"{json.dumps(instance)} is not one of {', '.join(map(str, expected))}"
    return error.message
