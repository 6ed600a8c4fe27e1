"""A BPMN file with several processes and no collaboration: the studio rewrites it into one pool
per process, laid out again, nothing saved; the rewritten file validates without the
hidden-process warning and runs the same processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studio.notation import read_model
from tests.web.conftest import admin, token

API = "/api/v1/projects"
TWO_PROCESSES = (Path(__file__).parent / "models" / "two_processes.bpmn").read_text()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


@pytest.fixture
def project(client) -> int:
    done = client.post(API, headers=admin(client),
                       json={"key": "pools", "files": {"two.bpmn": TWO_PROCESSES}})  # fmt: skip
    assert done.status_code == 201, done.get_json()
    return done.get_json()["id"]


def hidden(client, project: int, xml: str) -> list[str]:
    report = client.post(f"{API}/{project}/validate", headers=token(client, "ann"),
                         json={"version": 1, "files": {"two.bpmn": xml}}).get_json()  # fmt: skip
    return [
        problem["element"]
        for found in report["files"]
        for problem in found["problems"]
        if problem["code"] == "bpmn.diagram.hidden-process"
    ]


@needs_dot
def test_every_process_gets_a_pool_and_the_diagram_shows_them_all(client, project) -> None:
    assert hidden(client, project, TWO_PROCESSES) == ["Archive"]
    done = client.post(f"{API}/{project}/pools", headers=token(client, "ann"),
                       json={"path": "two.bpmn", "xml": TWO_PROCESSES})  # fmt: skip
    assert done.status_code == 200, done.get_json()
    answer = done.get_json()
    assert answer["pools"] == ["Intake", "Archive"]
    model = read_model(answer["xml"].encode(), "two.bpmn")
    (collaboration,) = model.collaborations
    assert [(p.name, p.process_ref) for p in collaboration.participants] == [
        ("Intake", "Intake"),
        ("Archiving", "Archive"),
    ]
    assert [p.id for p in model.processes] == ["Intake", "Archive"]
    (diagram,) = model.diagrams
    assert diagram.plane.bpmn_element == collaboration.id
    drawn = {shape.bpmn_element for shape in diagram.plane.elements}
    for ident in ("register", "file_it", "ar_f2", *(p.id for p in collaboration.participants)):
        assert ident in drawn, ident
    assert hidden(client, project, answer["xml"]) == []
    versions = client.get(f"{API}/{project}/versions", headers=admin(client)).get_json()
    assert len(versions["versions"]) == 1  # nothing saved


@needs_dot
def test_a_file_whose_processes_all_have_pools_is_left_as_it_is(client, project) -> None:
    ann = token(client, "ann")
    pooled = client.post(f"{API}/{project}/pools", headers=ann,
                         json={"path": "two.bpmn", "xml": TWO_PROCESSES}).get_json()["xml"]  # fmt: skip
    again = client.post(f"{API}/{project}/pools", headers=ann,
                        json={"path": "two.bpmn", "xml": pooled}).get_json()  # fmt: skip
    assert again["pools"] == []
    assert len(read_model(again["xml"].encode(), "two.bpmn").collaborations[0].participants) == 2


def test_only_bpmn_and_only_analysts_and_admins(client, project) -> None:
    cmmn = client.post(f"{API}/{project}/pools", headers=token(client, "ann"),
                       json={"path": "x.cmmn", "xml": TWO_PROCESSES})  # fmt: skip
    assert cmmn.status_code == 422 and "holds a BPMN model" in cmmn.get_json()["error"]["message"]
    carl = client.post(f"{API}/{project}/pools", headers=token(client, "carl"),
                       json={"path": "two.bpmn", "xml": TWO_PROCESSES})  # fmt: skip
    assert carl.status_code == 403
