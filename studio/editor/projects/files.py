"""The files of a model project: which are kept, what kind each is, who may write them.

A project keeps what a deployment keeps (`studio.deploy.deployments.is_project_file`): models
(`.cmmn`, `.bpmn`, `.dmn`), JSON (schemas, sample data, scenarios, simulations, forms), JSON Lines,
CSV and a README.md; never hidden files or folders.
"""

from __future__ import annotations

from studio.deploy import DeploymentError
from studio.deploy.archive import LIMITS, ZipLimits, check_files, check_name
from studio.deploy.deployments import is_project_file
from studio.editor.projects.errors import ProjectError
from studio.messages import text
from studio.notation import NotationError
from studio.notation.safe_xml import parse_xml

NOTATIONS = {
    ".cmmn": "cmmn", ".cmmn.xml": "cmmn",
    ".bpmn": "bpmn", ".bpmn20.xml": "bpmn", ".bpmn.xml": "bpmn",
    ".dmn": "dmn", ".dmn.xml": "dmn",
}  # fmt: skip
"""Model file suffixes (Flowable's `.xml` variants included) and their notation."""
KINDS = (
    (".scenario.json", "scenario"),
    (".sim.json", "simulation"),
    (".form.json", "form"),
    (".schema.json", "schema"),
    (".json", "data"),
    (".jsonl", "data"),
    (".csv", "data"),
)
TESTER_KINDS = frozenset({"scenario", "simulation", "data"})
"""What a tester may save: scenario tests, simulation files and sample data, never models."""
UNSAFE_XML = frozenset({"xml.doctype", "xml.compressed", "xml.too-large", "xml.too-deep"})
"""Codes of the reader's refusals of hostile model files (a broken model is only unfinished)."""
KEPT = text("models (.cmmn, .bpmn, .dmn), JSON, JSON Lines, CSV and README.md")


def notation_of(path: str) -> str | None:
    """'cmmn', 'bpmn' or 'dmn' for a model file name, else None."""
    lower = path.lower()
    for suffix, notation in sorted(NOTATIONS.items(), key=lambda s: -len(s[0])):
        if lower.endswith(suffix):
            return notation
    return None


def model_stem(path: str) -> str:
    """The path without its model suffix (`a/b.bpmn20.xml` -> `a/b`)."""
    lower = path.lower()
    for suffix in sorted(NOTATIONS, key=len, reverse=True):
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return path


def kind_of(path: str) -> str:
    """cmmn, bpmn, dmn, scenario, simulation, form, schema, data, readme (or other)."""
    notation = notation_of(path)
    if notation is not None:
        return notation
    lower = path.lower()
    if lower.rsplit("/", 1)[-1] == "readme.md":
        return "readme"
    return next((kind for suffix, kind in KINDS if lower.endswith(suffix)), "other")


def tester_may_write(path: str) -> bool:
    """Whether a tester (no analyst role) may add, replace or remove this file."""
    return kind_of(path) in TESTER_KINDS


def check_path(path: str, limits: ZipLimits = LIMITS) -> str:
    """A file path a project may hold, or ProjectError naming it and why not."""
    if not isinstance(path, str):
        raise ProjectError(text("file paths are strings"))
    try:
        check_name(path, limits)
    except DeploymentError as exc:
        raise ProjectError(exc.message) from None
    if not is_project_file(path):
        raise ProjectError(
            text(
                "{path!a}: not a model-project file (a project keeps {kept})", path=path, kept=KEPT
            )
        )
    return path


def check_sizes(sizes: dict[str, int], limits: ZipLimits = LIMITS) -> None:
    """Refuse a file set above the limits (count, size per file, total) or with names that
    collide ignoring case; `sizes` maps every path of the set to its size in bytes."""
    if len(sizes) > limits.max_files:
        raise ProjectError(
            text("the project would hold more than {count} files", count=limits.max_files)
        )
    try:
        check_files(dict.fromkeys(sizes, b""), limits)  # names and collisions
    except DeploymentError as exc:
        raise ProjectError(exc.message) from None
    for path, size in sizes.items():
        if size > limits.max_file:
            raise ProjectError(
                text("{path!a}: larger than {size}", path=path, size=_megabytes(limits.max_file))
            )
    if sum(sizes.values()) > limits.max_total:
        raise ProjectError(
            text("the project would hold more than {size}", size=_megabytes(limits.max_total))
        )


def _megabytes(limit: int) -> str:
    megabyte = 1024 * 1024
    if limit >= megabyte:
        return text("{megabytes:g} MB", megabytes=limit / megabyte)
    return text("{count} bytes", count=limit)


def check_file_set(files: dict[str, bytes], limits: ZipLimits = LIMITS) -> None:
    """Refuse a file set a project cannot hold: a path (`check_path`), or the limits."""
    for path in files:
        check_path(path, limits)
    check_sizes({path: len(data) for path, data in files.items()}, limits)


def check_model_safety(path: str, data: bytes) -> None:
    """Refuse a model file the reader refuses as hostile (DOCTYPE or entities, a compressed
    file, too large, nested too deeply): a project never keeps one. A model that is merely not
    well-formed is kept (work in progress); validation names its problem, deploying refuses it."""
    if notation_of(path) is None:
        return
    try:
        parse_xml(data, path)
    except NotationError as exc:
        if exc.code in UNSAFE_XML:
            raise ProjectError(exc.message) from None
