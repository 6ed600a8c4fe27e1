"""Building small models in a temporary project and validating them."""

from __future__ import annotations

from pathlib import Path

from studio.editor.validation import Problem, validate_file

CMMN_HEAD = (
    '<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" '
    'xmlns:flowable="http://flowable.org/cmmn" targetNamespace="urn:test">'
)
BPMN_HEAD = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="urn:test">'
)


def cmmn_case(body: str, *, case_extra: str = "", auto_complete: bool = True) -> str:
    """A CMMN file with one case whose plan model holds `body`."""
    auto = "true" if auto_complete else "false"
    return (
        f'{CMMN_HEAD}<case id="TheCase" name="The case">{case_extra}'
        f'<casePlanModel id="plan" name="Plan" autoComplete="{auto}">{body}</casePlanModel>'
        "</case></definitions>"
    )


def bpmn_process(body: str, *, extra: str = "") -> str:
    return f'{BPMN_HEAD}{extra}<process id="TheProcess" isExecutable="true">{body}</process></definitions>'


def problems_of(tmp_path: Path, name: str, text: str | bytes, **files: str) -> list[Problem]:
    """Validate `text` saved as `name` in a project folder that also holds `files`."""
    for other, content in files.items():
        (tmp_path / other.replace("__", ".")).write_text(content)
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return validate_file(path)


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]
