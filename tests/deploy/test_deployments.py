"""Deployments: validated, immutable versions per key; identical content is a no-op; unpacked
once for the engine."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from studio.deploy import DeploymentError
from studio.deploy.deployments import (
    DeploymentStore,
    UnknownDeployment,
    content_hash,
    is_project_file,
)
from studio.runtime import audit
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.service_tables import deployment_files, deployments

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios" / "bpmn"

REVIEW = b"""<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="Review" name="Review" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="prepare"/>
    <scriptTask id="prepare"/>
    <sequenceFlow id="f2" sourceRef="prepare" targetRef="u"/>
    <userTask id="u" name="Review"/>
    <sequenceFlow id="f3" sourceRef="u" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>
"""

BROKEN = (
    b'<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL" targetNamespace="t">'
    b'<case id="c"><casePlanModel id="p"><planItem id="i" definitionRef="missing"/>'
    b"</casePlanModel></case></definitions>"
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture
def store(engine: sa.Engine, tmp_path: Path) -> DeploymentStore:
    return DeploymentStore(engine, tmp_path / "instance")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of the BPMN scenario library (BPMN, DMN, scenarios) with a stray script in it."""
    folder = tmp_path / "bpmn-library"
    shutil.copytree(LIBRARY, folder)
    (folder / "helper.py").write_text("print('not deployed')\n")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]\n")
    return folder


def rows(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_deploy_a_folder(store: DeploymentStore, library: Path, engine: sa.Engine):
    deployment, created, skipped = store.deploy_folder(library, actor="ann")
    assert created and skipped == [".git/", "helper.py"]
    assert (deployment.key, deployment.version, deployment.created_by) == ("bpmn-library", 1, "ann")
    manifest = deployment.manifest
    paths = [f["path"] for f in manifest["files"]]
    assert "tasks.bpmn" in paths and "rules.dmn" in paths and "tk_user.scenario.json" in paths
    assert "helper.py" not in paths
    assert {"id": "TkUser", "name": "User task", "file": "tasks.bpmn"} in manifest["processes"]
    assert manifest["decisions"] and manifest["cases"] == []
    assert deployment.content_hash == content_hash({p: (library / p).read_bytes() for p in paths})
    assert store.files(deployment.id)["tasks.bpmn"] == (library / "tasks.bpmn").read_bytes()
    (entry,) = audit.entries(engine, action="deploy")
    assert (entry["actor"], entry["target"]) == ("ann", "bpmn-library")
    assert entry["details"]["version"] == 1


def test_identical_content_is_a_no_op(store: DeploymentStore, library: Path, engine: sa.Engine):
    first = store.deploy_folder(library).deployment
    again, created, _ = store.deploy_folder(library)
    assert not created and again == first
    assert rows(engine, deployments) == 1
    assert len(audit.entries(engine, action="deploy")) == 1


def test_changed_content_is_the_next_version(store: DeploymentStore, library: Path):
    first = store.deploy_folder(library).deployment
    (library / "notes.csv").write_text("a,b\n1,2\n")
    second, created, _ = store.deploy_folder(library)
    assert created and second.version == 2 and second.content_hash != first.content_hash
    assert store.latest("bpmn-library") == second
    assert [d.version for d in store.list()] == [2, 1]
    assert store.get(first.id) == first  # the old version stays as it was
    assert "notes.csv" not in store.files(first.id)


def test_a_project_with_errors_is_refused_and_nothing_is_stored(
    store: DeploymentStore, library: Path, engine: sa.Engine
):
    (library / "broken.cmmn").write_bytes(BROKEN)
    with pytest.raises(DeploymentError) as caught:
        store.deploy_folder(library)
    (problem,) = [p for p in caught.value.problems if p.severity == "error"]
    assert (problem.file, problem.code, problem.element, problem.line) == (
        "broken.cmmn", "cmmn.plan-item.unknown-definition", "i", 1,
    )  # fmt: skip
    assert "broken.cmmn:1: error cmmn.plan-item.unknown-definition [i]" in str(problem)
    assert rows(engine, deployments) == rows(engine, deployment_files) == 0
    assert audit.entries(engine) == []
    assert store.latest("bpmn-library") is None


def test_warnings_are_stored_with_the_deployment(store: DeploymentStore):
    deployment, created, _ = store.deploy_files({"review.bpmn": REVIEW}, "review")
    assert created
    (warning,) = deployment.problems
    assert warning["code"] == "bpmn.script.empty" and warning["file"] == "review.bpmn"
    assert warning["severity"] == "warning" and warning["element"] == "prepare"


def test_only_model_project_files_are_kept():
    for kept in ("a.cmmn", "b.BPMN", "d/c.dmn", "s.json", "x.scenario.json", "y.sim.json",
                 "d.jsonl", "e.csv", "README.md", "m.bpmn20.xml"):  # fmt: skip
        assert is_project_file(kept), kept
    for left in ("run.py", "notes.txt", ".hidden.cmmn", "__MACOSX/._a.cmmn", ".git/x.json"):
        assert not is_project_file(left), left


def test_a_project_without_models_is_refused(store: DeploymentStore):
    with pytest.raises(DeploymentError, match="no model files"):
        store.deploy_files({"data.json": b"{}", "tool.py": b""}, "data")


def test_keys_and_names_are_checked(store: DeploymentStore):
    with pytest.raises(DeploymentError, match="cannot be a deployment key"):
        store.deploy_files({"review.bpmn": REVIEW}, "../etc")
    with pytest.raises(DeploymentError, match=r"\.\. in the path"):
        store.deploy_files({"../review.bpmn": REVIEW}, "review")


def test_deploy_a_zip_of_a_folder(store: DeploymentStore, library: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(library.rglob("*")):
            if path.is_file():
                archive.write(path, f"claims/{path.relative_to(library).as_posix()}")
    deployment, created, skipped = store.deploy_zip(buffer.getvalue(), actor="ann")
    assert created and deployment.key == "claims" and skipped == [".git/config", "helper.py"]
    from_folder = store.deploy_folder(library).deployment
    assert from_folder.content_hash == deployment.content_hash


def test_newest_with_finds_the_newest_deployment_of_a_definition(
    store: DeploymentStore, library: Path
):
    old = store.deploy_folder(library).deployment
    review = store.deploy_files({"review.bpmn": REVIEW}, "review").deployment
    assert store.newest_with("TkUser") == old
    assert store.newest_with("Review") == review
    (library / "extra.json").write_text("{}")
    newer = store.deploy_folder(library).deployment
    assert store.newest_with("TkUser") == newer
    assert store.newest_with("rules") is None  # a decision is not something to start
    assert store.newest_with("nothing") is None


def test_the_folder_is_unpacked_once_with_identical_bytes(store: DeploymentStore, library: Path):
    deployment = store.deploy_folder(library).deployment
    folder = store.folder(deployment.id)
    assert folder == store.root / str(deployment.id)
    unpacked = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}
    assert unpacked == store.files(deployment.id)
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert store.folder(deployment.id) == folder
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert [p.name for p in store.root.iterdir()] == [str(deployment.id)]  # no temporary left


def test_the_project_compiles_from_the_folder_and_is_kept(store: DeploymentStore, library: Path):
    deployment = store.deploy_folder(library).deployment
    project = store.project(deployment.id)
    assert project is store.project(deployment.id)
    assert project.get("process", "TkUser").id == "TkUser"


def test_unknown_deployments(store: DeploymentStore):
    for call in (store.get, store.files, store.folder):
        with pytest.raises(UnknownDeployment):
            call(99)
    assert store.latest("nothing") is None and store.list() == []


def studio_deploy(instance: Path, *args: str, password: str | None = None):
    """`studio deploy ...` in a process of its own, on the instance folder `instance`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env["STUDIO_INSTANCE_PATH"] = str(instance)
    if password:
        env["STUDIO_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "studio", "deploy", *args], capture_output=True, text=True, env=env
    )


def test_the_command_line_deploys_then_finds_nothing_new(tmp_path: Path, library: Path):
    instance = tmp_path / "cli-instance"
    done = studio_deploy(instance, str(library), password="a long admin password")
    assert done.returncode == 0, done.stderr
    pattern = r"deployed bpmn-library version 1 \(\d+ files, hash [0-9a-f]{8}\)\n"
    assert re.fullmatch(pattern, done.stdout)
    assert "helper.py" in done.stderr and "Traceback" not in done.stderr
    again = studio_deploy(instance, str(library))
    assert (again.returncode, again.stdout) == (0, "bpmn-library is unchanged (version 1)\n")
    other = studio_deploy(instance, str(library), "--key", "other")
    assert other.stdout.startswith("deployed other version 1 ")
    engine = make_engine(f"sqlite:///{instance / 'studio.db'}")
    with engine.connect() as connection:
        keys = connection.execute(sa.select(deployments.c.key, deployments.c.version)).all()
        admins = connection.execute(sa.text("select username from users")).scalars().all()
    engine.dispose()
    assert sorted(keys) == [("bpmn-library", 1), ("other", 1)]
    assert admins == ["admin"]


def test_the_command_line_lists_the_problems_of_a_refused_project(tmp_path: Path, library: Path):
    (library / "broken.cmmn").write_bytes(BROKEN)
    done = studio_deploy(tmp_path / "cli-instance", str(library))
    assert done.returncode == 1
    assert "broken.cmmn:1: error cmmn.plan-item.unknown-definition [i]: " in done.stdout
    assert "bpmn-library was not deployed: 1 error" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_line_deploys_a_zip_and_refuses_unusable_input(tmp_path: Path):
    good, evil = tmp_path / "review.zip", tmp_path / "evil.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr("review.bpmn", REVIEW)
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../review.bpmn", REVIEW)
    instance = tmp_path / "cli-instance"
    done = studio_deploy(instance, str(good))
    assert done.returncode == 0
    assert re.search(r"^deployed review version 1 \(1 file, hash [0-9a-f]{8}\)$", done.stdout, re.M)
    assert "review.bpmn:5: warning bpmn.script.empty [prepare]" in done.stdout
    refused = studio_deploy(instance, str(evil))
    assert refused.returncode == 2 and "'../review.bpmn': .. in the path" in refused.stderr
    missing = studio_deploy(instance, str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
