"""The project store: projects, immutable versions, optimistic saves, content stored once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from studio.deploy.archive import ZipLimits
from studio.deploy.deployments import content_hash
from studio.editor.projects import (
    DuplicateKey,
    ProjectError,
    ProjectStore,
    StaleVersion,
    UnknownProject,
    UnknownVersion,
)
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.project_tables import project_blobs

CASE = b'<definitions xmlns="http://www.omg.org/spec/CMMN/20151109/MODEL"/>'


@pytest.fixture
def engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'studio.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine) -> ProjectStore:
    return ProjectStore(engine)


def test_a_new_project_has_no_version_until_its_first_save(store: ProjectStore) -> None:
    project = store.create("claims", "Claims handling", actor="ann")
    assert (project.key, project.name, project.created_by) == ("claims", "Claims handling", "ann")
    assert project.latest is None and store.versions(project.id) == []
    with pytest.raises(UnknownVersion, match="claims has no version yet"):
        store.version(project.id)
    saved = store.save(project.id, 0, {"claim.cmmn": CASE}, message="first draft", actor="ann")
    assert saved.created and saved.version.number == 1
    assert store.get(project.id).latest == saved.version
    assert (saved.version.author, saved.version.message) == ("ann", "first draft")


def test_a_save_adds_replaces_and_removes_files_and_keeps_the_rest(store: ProjectStore) -> None:
    project = store.create("claims")
    store.save(project.id, 0, {"claim.cmmn": CASE, "a.json": b"{}", "b.csv": b"x\n1\n"})
    second = store.save(
        project.id, 1, {"a.json": b'{"a": 1}', "c.jsonl": b"{}\n"}, removed=["b.csv"]
    )
    assert second.version.number == 2 and second.version.file_count == 3
    assert store.files(project.id, 2) == {
        "a.json": b'{"a": 1}',
        "c.jsonl": b"{}\n",
        "claim.cmmn": CASE,
    }
    assert store.files(project.id, 1)["b.csv"] == b"x\n1\n"  # versions never change
    assert [v.number for v in store.versions(project.id)] == [2, 1]
    assert store.file(project.id, 2, "claim.cmmn")[0] == CASE


def test_saving_one_file_stores_only_that_file_s_bytes(store: ProjectStore, engine) -> None:
    project = store.create("claims")
    big = {f"data/sample-{n}.json": f'{{"n": {n}}}'.encode() for n in range(50)}
    store.save(project.id, 0, {"claim.cmmn": CASE, **big})
    store.save(project.id, 1, {"claim.cmmn": CASE + b"\n"})
    with engine.connect() as connection:
        blobs = connection.execute(sa.select(sa.func.count()).select_from(project_blobs)).scalar()
    assert blobs == 52  # 51 distinct contents, then one more: nothing copied


def test_an_identical_save_stores_nothing_and_answers_the_version_it_was_based_on(
    store: ProjectStore,
) -> None:
    project = store.create("claims")
    first = store.save(project.id, 0, {"claim.cmmn": CASE})
    again = store.save(project.id, 1, {"claim.cmmn": CASE}, message="no change")
    assert not again.created and again.version == first.version
    assert len(store.versions(project.id)) == 1


def test_a_save_on_a_stale_base_is_refused_naming_who_saved_meanwhile(
    store: ProjectStore,
) -> None:
    project = store.create("claims")
    store.save(project.id, 0, {"claim.cmmn": CASE}, actor="ann")
    store.save(project.id, 1, {"a.json": b"{}"}, actor="bob", message="sample data")
    with pytest.raises(StaleVersion) as refused:
        store.save(project.id, 1, {"claim.cmmn": CASE + b" "}, actor="ann")
    assert [(s.number, s.author, s.message) for s in refused.value.meanwhile] == [
        (2, "bob", "sample data")
    ]
    assert "bob saved version 2 meanwhile" in str(refused.value)
    assert len(store.versions(project.id)) == 2
    with pytest.raises(ProjectError, match="no version 7"):
        store.save(project.id, 7, {"a.json": b"[]"})


def test_a_version_s_hash_is_the_hash_its_deployment_gets(store: ProjectStore) -> None:
    files = {"claim.cmmn": CASE, "data/a.json": b"{}"}
    project = store.create("claims", files=files)
    assert store.version(project.id, 1).content_hash == content_hash(files)


@pytest.mark.parametrize(
    ("key", "reason"),
    [("../up", "cannot be a project key"), ("", "cannot be a project key"), ("a b", "letters")],
)
def test_keys_follow_the_deployment_key_rules(store: ProjectStore, key: str, reason: str) -> None:
    with pytest.raises(ProjectError, match=reason):
        store.create(key)


def test_keys_are_unique_ignoring_case(store: ProjectStore) -> None:
    store.create("Claims")
    with pytest.raises(DuplicateKey, match="'claims' exists already \\('Claims'"):
        store.create("claims")


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"../evil.cmmn": CASE}, "'../evil.cmmn': \\.\\. in the path"),
        ({"tool.py": b""}, "not a model-project file"),
        ({".hidden/a.json": b"{}"}, "not a model-project file"),
        ({"A.json": b"{}", "a.json": b"{}"}, "duplicate"),
    ],
)
def test_files_a_project_cannot_hold_are_refused_by_name(
    store: ProjectStore, files: dict[str, bytes], reason: str
) -> None:
    project = store.create("claims")
    with pytest.raises(ProjectError, match=reason):
        store.save(project.id, 0, files)
    assert store.versions(project.id) == []


def test_the_limits_on_file_count_and_sizes_hold_for_the_whole_project(engine) -> None:
    store = ProjectStore(engine, ZipLimits(max_files=3, max_file=100, max_total=150))
    project = store.create("claims")
    store.save(project.id, 0, {"a.json": b"1" * 90})
    with pytest.raises(ProjectError, match=re.escape("'b.json': larger than 100 bytes")):
        store.save(project.id, 1, {"b.json": b"1" * 101})
    with pytest.raises(ProjectError, match="would hold more than 150 bytes"):
        store.save(project.id, 1, {"b.json": b"1" * 90})
    store.save(project.id, 1, {"b.json": b"2", "c.json": b"3"})
    with pytest.raises(ProjectError, match="more than 3 files"):
        store.save(project.id, 2, {"d.json": b"4"})


def test_removing_a_file_the_version_does_not_have_is_refused(store: ProjectStore) -> None:
    project = store.create("claims", files={"claim.cmmn": CASE})
    with pytest.raises(ProjectError, match=re.escape("'gone.json': not a file of version 1")):
        store.save(project.id, 1, removed=["gone.json"])


def test_archived_projects_leave_the_list_and_stay_readable(store: ProjectStore) -> None:
    kept = store.create("b-claims", "Claims")
    gone = store.create("a-old", "Old claims")
    store.update(gone.id, archived=True)
    assert [p.key for p in store.list()] == ["b-claims"]
    assert [p.key for p in store.list(archived=True)] == ["b-claims", "a-old"]
    assert store.update(kept.id, name="  Claims   2026 ").name == "Claims 2026"
    with pytest.raises(ProjectError, match="blank"):
        store.update(kept.id, name="   ")


def test_unknown_projects_and_versions_are_named(store: ProjectStore) -> None:
    with pytest.raises(UnknownProject, match="no project 42"):
        store.get(42)
    project = store.create("claims", files={"claim.cmmn": CASE})
    with pytest.raises(UnknownVersion, match="claims has no version 3"):
        store.files(project.id, 3)
    with pytest.raises(UnknownVersion, match=re.escape("no file 'x.cmmn'")):
        store.file(project.id, 1, "x.cmmn")


def test_reading_only_the_wanted_files_of_a_version(store: ProjectStore) -> None:
    project = store.create("claims", files={"claim.cmmn": CASE, "big.jsonl": b"{}\n" * 1000})
    assert store.files(project.id, 1, lambda path: path.endswith(".cmmn")) == {"claim.cmmn": CASE}
    assert store.files(project.id, 1, lambda path: False) == {}
