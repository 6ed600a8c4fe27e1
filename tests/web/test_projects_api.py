"""Model projects over REST: create and import, save versions (stale saves refused), read files,
diff, live validation, download, deploy a version and start a case on it."""

from __future__ import annotations

import io
import zipfile

from studio.runtime.audit import entries
from tests.conftest import shared_path
from tests.web.conftest import admin, mixed_zip, token, zipped

API = "/api/v1/projects"
MATCHED = {"invoice": {"amount": 120, "po_amount": 120, "received": True}, "approved": False}


def import_mixed(client, headers) -> dict:
    done = client.post(
        f"{API}/import", headers=headers, data={"file": (io.BytesIO(mixed_zip()), "invoices.zip")}
    )
    assert done.status_code == 201, done.get_json()
    return done.get_json()


def save(client, headers, project_id: int, base: int, files: dict, **more):
    return client.post(
        f"{API}/{project_id}/versions", headers=headers, json={"base": base, "files": files, **more}
    )


def model_text(client, headers, project_id: int, number: int, path: str) -> str:
    done = client.get(f"{API}/{project_id}/versions/{number}/files/{path}", headers=headers)
    assert done.status_code == 200, done.get_json()
    return done.data.decode()


def test_an_analyst_creates_a_project_and_finds_it_listed(client) -> None:
    ann = token(client, "ann")
    created = client.post(
        API,
        headers=ann,
        json={"key": "claims", "name": "Claims", "files": {"notes.json": "{}"}, "message": "start"},
    )
    assert created.status_code == 201, created.get_json()
    project = created.get_json()
    assert created.headers["Location"] == f"{API}/{project['id']}"
    assert (project["key"], project["name"], project["created_by"]) == ("claims", "Claims", "ann")
    assert project["latest"]["number"] == 1 and project["latest"]["message"] == "start"
    listed = client.get(API, headers=ann).get_json()["projects"]
    assert [p["key"] for p in listed] == ["claims"]
    again = client.post(API, headers=ann, json={"key": "CLAIMS"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate-key"
    bad = client.post(API, headers=ann, json={"key": "no spaces please"})
    assert (
        bad.status_code == 422 and "cannot be a project key" in bad.get_json()["error"]["message"]
    )


def test_importing_a_folder_zip_lists_what_was_imported(client) -> None:
    answer = import_mixed(client, token(client, "ann"))
    assert answer["project"]["key"] == "invoices"
    assert answer["imported"] == [
        "invoice_case.cmmn",
        "invoice_check.bpmn",
        "invoice_matched.scenario.json",
        "invoice_mismatch.scenario.json",
    ]
    assert answer["skipped"] == [] and answer["renamed"] == []


def test_importing_a_flowable_file_renames_it_and_says_so(client) -> None:
    path = shared_path(
        "conformance/cmmn/flowable/"
        "VariableFunctionDelegatesTest.testVariableComperatorFunctionsForInteger.cmmn.xml"
    )
    done = client.post(
        f"{API}/import",
        headers=token(client, "ann"),
        data={"file": (io.BytesIO(path.read_bytes()), path.name), "key": "flowable-vars"},
    )
    assert done.status_code == 201, done.get_json()
    answer = done.get_json()
    target = "VariableFunctionDelegatesTest.testVariableComperatorFunctionsForInteger.cmmn"
    assert answer["imported"] == [target]
    assert answer["renamed"] == [
        {"from": path.name, "to": target, "reason": "Flowable's file name for a CMMN model"}
    ]
    assert answer["project"]["key"] == "flowable-vars"


def test_importing_a_single_model_from_the_request_body(client) -> None:
    model = shared_path("acceptance/bpmn/order.bpmn").read_bytes()
    done = client.post(
        f"{API}/import?filename=order.bpmn", headers=token(client, "ann"), data=model
    )
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["project"]["key"] == "order"
    assert done.get_json()["imported"] == ["order.bpmn"]


def test_a_hostile_zip_is_refused_with_the_entry_and_nothing_is_created(client) -> None:
    ann = token(client, "ann")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("claims/claim.cmmn", b"<definitions/>")
        archive.writestr("../../home/ann/.bashrc", b"evil")
    done = client.post(
        f"{API}/import", headers=ann, data={"file": (io.BytesIO(buffer.getvalue()), "x.zip")}
    )
    assert done.status_code == 422
    error = done.get_json()["error"]
    assert error["code"] == "invalid-project"
    assert error["message"] == "x.zip: '../../home/ann/.bashrc': .. in the path"
    assert client.get(API, headers=ann).get_json()["projects"] == []


def test_a_zip_bomb_is_refused_before_unpacking(client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", b"0" * (21 * 1024 * 1024))
    done = client.post(
        f"{API}/import",
        headers=token(client, "ann"),
        data={"file": (io.BytesIO(buffer.getvalue()), "bomb.zip")},
    )
    assert done.status_code == 422
    assert done.get_json()["error"]["message"] == (
        "bomb.zip: 'data.json': unpacks to more than 20 MB"
    )


def test_saving_versions_stale_saves_and_identical_saves(client) -> None:
    ann = token(client, "ann")
    project = import_mixed(client, ann)["project"]
    pid = project["id"]
    text = model_text(client, ann, pid, 1, "invoice_case.cmmn")
    edited = text.replace('name="Handle dispute"/>', 'name="Handle the dispute"/>')
    first = save(client, ann, pid, 1, {"invoice_case.cmmn": edited}, message="clearer name")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["version"]["number"] == 2
    assert first.get_json()["version"]["author"] == "ann"
    admin_headers = admin(client)
    stale = save(client, admin_headers, pid, 1, {"invoice_case.cmmn": text + "\n"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale-version"
    assert "ann saved version 2 meanwhile" in error["message"]
    assert [s["author"] for s in error["details"]["saved_meanwhile"]] == ["ann"]
    assert error["details"]["newest"] == 2
    same = save(client, admin_headers, pid, 2, {"invoice_case.cmmn": edited})
    assert same.status_code == 200 and same.get_json() == {
        "created": False,
        "version": first.get_json()["version"],
    }
    removed = save(client, ann, pid, 2, {}, remove=["invoice_mismatch.scenario.json"])
    assert removed.status_code == 201
    version = client.get(f"{API}/{pid}/versions/3", headers=ann).get_json()
    assert [f["path"] for f in version["files"]] == [
        "invoice_case.cmmn",
        "invoice_check.bpmn",
        "invoice_matched.scenario.json",
    ]
    assert [f["kind"] for f in version["files"]] == ["cmmn", "bpmn", "scenario"]
    numbers = [
        v["number"] for v in client.get(f"{API}/{pid}/versions", headers=ann).json["versions"]
    ]
    assert numbers == [3, 2, 1]


def test_the_diff_between_versions_reads_like_a_change_log(client) -> None:
    ann = token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    text = model_text(client, ann, pid, 1, "invoice_case.cmmn")
    edited = text.replace(
        "<condition>matched or approved</condition>", "<condition>matched</condition>"
    ).replace('<humanTask id="ht_pay" name="Pay"/>', '<humanTask id="ht_pay" name="Pay out"/>')
    save(client, ann, pid, 1, {"invoice_case.cmmn": edited, "amounts.csv": "amount\n10\n"})
    diff = client.get(f"{API}/{pid}/diff?from=1&to=2", headers=ann).get_json()
    assert diff["summary"] == "1 added, 1 changed (3 unchanged)"
    model = next(f for f in diff["files"] if f["path"] == "invoice_case.cmmn")
    assert [c["text"] for c in model["changes"]] == [
        "Sentry s_pay: if-part condition changed from 'matched or approved' to 'matched'",
        "Human task ht_pay: renamed from 'Pay' to 'Pay out'",
    ]
    assert '-      <humanTask id="ht_pay" name="Pay"/>' in model["diff"]
    assert client.get(f"{API}/{pid}/diff", headers=ann).get_json() == diff  # newest vs before
    everything = client.get(f"{API}/{pid}/diff?from=0&to=1", headers=ann).get_json()
    assert {f["status"] for f in everything["files"]} == {"added"}
    missing = client.get(f"{API}/{pid}/diff?from=1&to=9", headers=ann)
    assert missing.status_code == 404 and "no version 9" in missing.get_json()["error"]["message"]
    wrong = client.get(f"{API}/{pid}/diff?from=x", headers=ann)
    assert wrong.status_code == 400


def test_live_validation_shows_the_problem_of_an_unsaved_edit_then_not(client) -> None:
    ann = token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    text = model_text(client, ann, pid, 1, "invoice_case.cmmn")
    clean = client.post(f"{API}/{pid}/validate", headers=ann)
    assert clean.status_code == 200 and clean.get_json()["errors"] == 0
    assert {f["file"] for f in clean.get_json()["files"]} == {
        "invoice_case.cmmn",
        "invoice_check.bpmn",
    }
    broken = text.replace('sourceRef="pi_check"', 'sourceRef="pi_nothing"', 1)
    report = client.post(
        f"{API}/{pid}/validate", headers=ann, json={"files": {"invoice_case.cmmn": broken}}
    ).get_json()
    assert report["version"] == 1 and report["errors"] >= 1
    problems = [p for f in report["files"] for p in f["problems"] if p["severity"] == "error"]
    assert {(p["code"], p["element"]) for p in problems} >= {
        ("cmmn.sentry.unknown-source", "op_pay")
    }
    fixed = client.post(
        f"{API}/{pid}/validate", headers=ann, json={"files": {"invoice_case.cmmn": text}}
    )
    assert fixed.get_json()["errors"] == 0
    outside = client.post(f"{API}/{pid}/validate", headers=ann, json={"files": {"../x.cmmn": text}})
    assert outside.status_code == 422 and ".. in the path" in outside.get_json()["error"]["message"]


def test_an_admin_deploys_a_version_and_a_case_starts_on_it(client, app) -> None:
    ann, boss = token(client, "ann"), admin(client)
    pid = import_mixed(client, ann)["project"]["id"]
    refused = client.post(f"{API}/{pid}/versions/1/deploy", headers=ann)
    assert refused.status_code == 403
    deployed = client.post(f"{API}/{pid}/versions/1/deploy", headers=boss)
    assert deployed.status_code == 201, deployed.get_json()
    deployment = deployed.get_json()["deployment"]
    assert (deployment["key"], deployment["version"]) == ("invoices", 1)
    again = client.post(f"{API}/{pid}/versions/1/deploy", headers=boss)
    assert again.status_code == 200 and again.get_json()["created"] is False
    version = client.get(f"{API}/{pid}/versions/1", headers=ann).get_json()
    assert [d["id"] for d in version["deployments"]] == [deployment["id"]]
    started = client.post(
        "/api/v1/cases",
        headers=token(client, "carl"),
        json={"case": "InvoiceCase", "data": MATCHED},
    )
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["deployment"] == deployment["id"]
    audit = entries(app.extensions["studio"].engine, action="project.deploy")
    assert [(e["actor"], e["target"], e["details"]["version"]) for e in audit] == [
        ("admin", "invoices", 1),
        ("admin", "invoices", 1),
    ]


def test_a_version_with_errors_is_not_deployed_and_the_problems_are_given(client) -> None:
    ann, boss = token(client, "ann"), admin(client)
    pid = import_mixed(client, ann)["project"]["id"]
    text = model_text(client, ann, pid, 1, "invoice_case.cmmn")
    broken = text.replace('sourceRef="pi_check"', 'sourceRef="pi_nothing"', 1)
    save(client, ann, pid, 1, {"invoice_case.cmmn": broken})
    refused = client.post(f"{API}/{pid}/versions/2/deploy", headers=boss)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["message"].startswith("invoices was not deployed: ")
    codes = {(p["file"], p["code"]) for p in error["details"]["problems"]}
    assert ("invoice_case.cmmn", "cmmn.sentry.unknown-source") in codes
    listed = client.get("/api/v1/deployments", headers=boss).get_json()["deployments"]
    assert listed == []


def test_files_and_downloads_are_byte_for_byte(client) -> None:
    ann = token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    url = f"{API}/{pid}/versions/1/files/invoice_check.bpmn"
    done = client.get(url, headers=ann)
    assert done.data == shared_path("acceptance/mixed/invoice_check.bpmn").read_bytes()
    assert done.content_type == "application/xml"
    assert done.headers["Content-Disposition"].startswith('attachment; filename="invoice_check')
    unchanged = client.get(url, headers={**ann, "If-None-Match": done.headers["ETag"]})
    assert unchanged.status_code == 304
    missing = client.get(f"{API}/{pid}/versions/1/files/nope.bpmn", headers=ann)
    assert (
        missing.status_code == 404
        and "no file 'nope.bpmn'" in missing.get_json()["error"]["message"]
    )
    download = client.get(f"{API}/{pid}/versions/1/download", headers=ann)
    assert download.content_type == "application/zip"
    assert 'filename="invoices-v1.zip"' in download.headers["Content-Disposition"]
    assert client.get(f"{API}/{pid}/versions/1/download", headers=ann).data == download.data
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert archive.namelist()[0] == "invoices/invoice_case.cmmn"
    again = client.post(
        f"{API}/import",
        headers=ann,
        data={"file": (io.BytesIO(download.data), "invoices-v1.zip"), "key": "invoices-copy"},
    )
    assert again.status_code == 201
    copy = client.get(f"{API}/{again.get_json()['project']['id']}", headers=ann).get_json()
    assert copy["latest"]["content_hash"] == again.get_json()["project"]["latest"]["content_hash"]
    original = client.get(f"{API}/{pid}", headers=ann).get_json()
    assert copy["latest"]["content_hash"] == original["latest"]["content_hash"]


def test_reimporting_into_a_project_replaces_its_files_as_a_new_version(client, tmp_path) -> None:
    ann = token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    folder = shared_path("acceptance/bpmn")
    upload = {"file": (io.BytesIO(zipped(folder)), "bpmn.zip"), "base": "1"}
    done = client.post(f"{API}/{pid}/import", headers=ann, data=upload)
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["version"]["number"] == 2
    version = client.get(f"{API}/{pid}/versions/2", headers=ann).get_json()
    assert {f["path"] for f in version["files"]} == {p.name for p in folder.iterdir()}
    stale = client.post(
        f"{API}/{pid}/import",
        headers=ann,
        data={"file": (io.BytesIO(mixed_zip()), "invoices.zip"), "base": "1"},
    )
    assert stale.status_code == 409


def test_a_tester_saves_scenarios_and_data_but_not_models(client, app) -> None:
    app.extensions["studio"].users.add("tess", "a-long-password", ["tester"])
    tess, ann = token(client, "tess"), token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    scenario = '{"name": "new", "model": "invoice_case.cmmn", "steps": []}'
    saved = save(client, tess, pid, 1, {"new.scenario.json": scenario, "data/x.csv": "a\n1\n"})
    assert saved.status_code == 201 and saved.get_json()["version"]["author"] == "tess"
    refused = save(client, tess, pid, 2, {"invoice_case.cmmn": "<definitions/>"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == (
        "'invoice_case.cmmn' is a cmmn file: a tester saves scenarios, simulation files and "
        "sample data only"
    )
    assert save(client, tess, pid, 2, {}, remove=["invoice_check.bpmn"]).status_code == 403


def test_archiving_hides_a_project_from_the_list(client) -> None:
    ann = token(client, "ann")
    pid = import_mixed(client, ann)["project"]["id"]
    done = client.patch(f"{API}/{pid}", headers=ann, json={"archived": True, "name": "Old"})
    assert done.status_code == 200 and done.get_json()["archived"] is True
    assert client.get(API, headers=ann).get_json()["projects"] == []
    archived = client.get(f"{API}?archived=true", headers=ann).get_json()["projects"]
    assert [p["name"] for p in archived] == ["Old"]


def test_unknown_projects_and_bad_requests_answer_json_errors(client) -> None:
    ann = token(client, "ann")
    assert client.get(f"{API}/999", headers=ann).get_json()["error"]["code"] == "not-found"
    huge = client.get(f"{API}/{2**80}/versions", headers=ann)
    assert huge.status_code == 404
    pid = import_mixed(client, ann)["project"]["id"]
    no_base = client.post(f"{API}/{pid}/versions", headers=ann, json={"files": {}})
    assert no_base.status_code == 422
    assert "name the version the save is based on" in no_base.get_json()["error"]["message"]
    not_text = save(client, ann, pid, 1, {"a.json": 5})
    assert not_text.status_code == 400
    not_json = client.post(f"{API}/{pid}/versions", headers=ann, data="base=1")
    assert not_json.status_code == 400
    empty = client.post(f"{API}/import", headers=ann)
    assert empty.status_code == 400
