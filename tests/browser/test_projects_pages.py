"""The project pages in the browser: the list with the examples' badge and empty state, create
and import forms with the import report, a project's files and versions, the diff, roles."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import scan
from tests.browser.conftest import login, login_admin, screenshot
from tests.browser.projects_helpers import SPLIT, new_project

pytestmark = pytest.mark.browser


def test_an_analyst_imports_a_model_and_reads_the_report(page, studio, tmp_path) -> None:
    login(page, "ann")
    page.goto("/projects")
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()
    upload = tmp_path / "claim-review.bpmn20.xml"
    upload.write_text(SPLIT)
    page.get_by_label("File to import").set_input_files(str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("is imported into"))).to_be_visible()
    expect(page.locator(".import-report")).to_contain_text("claim-review.bpmn")
    expect(page.get_by_text("Renamed")).to_be_visible()
    screenshot(page, "projects-imported")
    page.get_by_role("link", name="Open the project").click()
    expect(page.get_by_role("heading", name="Process models (BPMN)")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("claim-review.bpmn"))).to_be_visible()
    expect(page.locator(".version-list")).to_contain_text("Imported from claim-review.bpmn20.xml")
    screenshot(page, "projects-project")


def test_an_import_says_what_it_left_out_and_why(page, studio, tmp_path) -> None:
    archive = tmp_path / "claims.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("left-out-claims/review.bpmn", SPLIT)
        zipped.writestr("left-out-claims/review.svg", "<svg/>")
    login(page, "ann")
    page.goto("/projects")
    page.get_by_label("File to import").set_input_files(str(archive))
    page.get_by_role("button", name="Import", exact=True).click()
    left_out = page.get_by_role("region", name=re.compile("Left out"))
    expect(left_out).to_contain_text("review.svg")
    expect(left_out).to_contain_text("an image is not part of a model project")
    expect(page.get_by_role("region", name=re.compile("Imported"))).to_contain_text("review.bpmn")


def test_create_refuses_a_taken_key_in_words(page, studio, console) -> None:
    console.allow("status of 409")
    _, key = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    page.goto("/projects")
    page.get_by_label("Key", exact=True).first.fill(key)
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"“{key}” exists already")
    page.get_by_label("Key", exact=True).first.fill(key + "-new")
    page.get_by_label("Name (optional)").fill("A new claim review")
    page.get_by_label("Start with").select_option("cmmn")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("A new claim review"))).to_be_visible()
    page.get_by_role("link", name=f"CMMN {key}-new.cmmn").click()
    page.wait_for_selector("#diagram[data-state=ready]")
    page.wait_for_selector("#diagram[data-validated]")
    screenshot(page, "projects-editor-cmmn")


def test_the_list_shows_examples_with_a_badge(page, studio) -> None:
    projects = studio.extensions["studio"].projects
    if projects.by_key("example-invoices") is None:
        projects.create("example-invoices", "Invoices (example)", "studio (examples)",
                        {"review.bpmn": SPLIT.encode()}, "Imported from the sample library")  # fmt: skip
    login(page, "ann")
    page.goto("/projects")
    row = page.get_by_role("row", name=re.compile("Invoices \\(example\\)"))
    expect(row.locator(".badge.example")).to_have_text("Example")
    expect(row).to_contain_text("studio (examples)")
    screenshot(page, "projects-list")


def test_two_versions_are_compared(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    changed = SPLIT.replace('name="Expert review"', 'name="Senior review"')
    studio.extensions["studio"].projects.save(
        ident, 1, {"review.bpmn": changed.encode()}, (), "senior reviewers", "ann"
    )
    login(page, "ann")
    page.goto(f"/projects/{ident}")
    expect(page.locator(".version-list li").first).to_contain_text("senior reviewers")
    page.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    expect(page.locator(".changes")).to_contain_text(
        "renamed from 'Expert review' to 'Senior review'"
    )
    page.get_by_text("Text differences").click()
    expect(page.locator(".unified .add")).to_contain_text('name="Senior review"')
    screenshot(page, "projects-diff")


def test_a_caseworker_gets_the_403_page(page, studio, console) -> None:
    console.allow("status of 403")
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "carl")
    for url in ("/projects", f"/projects/{ident}", f"/projects/{ident}/edit/review.bpmn"):
        response = page.goto(url)
        assert response.status == 403, url
        expect(page.get_by_text("This page is not open to your roles.")).to_be_visible()
    expect(page.get_by_role("link", name="Projects")).to_have_count(0)


def test_unknown_projects_and_files_are_404_in_words(page, studio, console) -> None:
    console.allow("status of 404")
    ident, key = new_project(studio, {"review.bpmn": SPLIT})
    login_admin(page)
    assert page.goto("/projects/99999").status == 404
    expect(page.get_by_text("There is no project 99999.")).to_be_visible()
    assert page.goto(f"/projects/{ident}/edit/nope.bpmn").status == 404
    expect(page.get_by_text(f"Version 1 of {key} has no file “nope.bpmn”.")).to_be_visible()


def test_the_project_pages_pass_the_accessibility_scan(page, studio, tmp_path) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    changed = SPLIT.replace('name="Clerk review"', 'name="Desk review"').encode()
    studio.extensions["studio"].projects.save(ident, 1, {"review.bpmn": changed}, (), "desk", "ann")
    login(page, "ann")
    for url in ("/projects", f"/projects/{ident}", f"/projects/{ident}/diff"):
        page.goto(url)
        scan(page)
    page.goto(f"/projects/{ident}/edit/review.bpmn")
    page.wait_for_selector("#diagram[data-validated]")
    scan(page)
    page.locator('#diagram svg .djs-element[data-element-id="expert"]').click()
    scan(page, "#properties")
    page.keyboard.press("Control+s")
    expect(page.get_by_label("What changed?")).to_be_focused()
    scan(page, "#save-dialog")
    page.keyboard.press("Escape")


def test_the_pages_speak_french(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT})
    login(page, "ann")
    page.goto("/projects")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Créer un projet")).to_be_visible()
    expect(page.get_by_label("Fichier à importer")).to_be_visible()
    page.goto(f"/projects/{ident}")
    expect(page.get_by_role("heading", name="Modèles de processus (BPMN)")).to_be_visible()
    page.goto(f"/projects/{ident}/edit/review.bpmn")
    page.wait_for_selector("#diagram[data-validated]")
    expect(page.locator("#problems-status")).to_have_text("1 erreur")
    expect(page.get_by_role("button", name="Enregistrer")).to_be_visible()
    screenshot(page, "projects-editor-fr")


def test_an_empty_project_gets_its_first_version_by_import(page, studio, tmp_path) -> None:
    key = "import-into-empty"
    login(page, "ann")
    page.goto("/projects")
    page.get_by_label("Key", exact=True).first.fill(key)
    page.get_by_label("Start with").select_option("none")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_text("This project has no version yet.")).to_be_visible()
    upload = tmp_path / "review.bpmn"
    upload.write_text(SPLIT)
    page.get_by_label("File to import").set_input_files(str(upload))
    page.get_by_label("Message (optional)").fill("the first review model")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Version 1 of the project holds what was imported.")).to_be_visible()
    page.get_by_role("link", name="Open the project").click()
    expect(page.locator(".version-list")).to_contain_text("the first review model")
    expect(page.get_by_role("link", name="BPMN review.bpmn")).to_be_visible()


def test_a_project_page_leads_to_its_scenario_tests_and_simulations(page, studio) -> None:
    files = {"review.bpmn": SPLIT, "a.scenario.json": "{}", "b.scenario.json": "{}",
             "load.sim.json": "{}"}  # fmt: skip
    ident, _ = new_project(studio, files)
    login(page, "ann")
    page.goto(f"/projects/{ident}")
    page.get_by_role("link", name="Run the scenario tests").click()
    expect(page.get_by_role("heading", name="Scenario tests")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="b.scenario.json").click()
    expect(page.locator(".scenario-pick[aria-pressed=true]")).to_contain_text("b.scenario.json")
    page.go_back()
    page.get_by_role("link", name="load.sim.json").click()
    expect(page.get_by_label("Simulation file")).to_have_value(f"{ident}|1|load.sim.json")
    page.goto(f"/projects/{ident}")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("link", name="Exécuter les tests de scénarios")).to_be_visible()
    expect(page.get_by_role("link", name="Simuler", exact=True)).to_be_visible()


def test_file_sizes_are_written_the_pages_way(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT, "data.json": "{}" + " " * 12_343})
    login(page, "ann")
    page.goto(f"/projects/{ident}")
    data = page.locator(".file-list li", has_text="data.json")
    expect(data.locator(".size")).to_have_text("12,345 bytes")
    page.get_by_role("button", name="FR").click()
    expect(data.locator(".size")).to_have_text("12\u202f345 octets")


def test_the_changes_page_speaks_french(page, studio) -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT, "notes.csv": "a,b"})
    moved = SPLIT.replace('x="300" y="268"', 'x="320" y="268"')
    renamed = moved.replace('name="Expert review"', 'name="Senior review"')
    studio.extensions["studio"].projects.save(
        ident, 1, {"review.bpmn": renamed.encode(), "data.json": b"{}"}, ("notes.csv",), "m", "ann"
    )
    login(page, "ann")
    page.goto(f"/projects/{ident}/diff?from=1&to=2")
    page.get_by_role("button", name="FR").click()
    expect(page.locator(".summary")).to_have_text(
        "1 fichier ajouté, 1 fichier supprimé, 1 fichier modifié (0 inchangés)"
    )
    badges = page.locator(".diff-file h2 .badge")
    expect(badges).to_have_text(["ajouté", "supprimé", "modifié"])
    expect(page.locator(".changes .badge")).to_have_text(["renommé", "mise en page"])
    expect(page.locator(".changes li.layout")).to_contain_text(
        "Mise en page du diagramme : 2 modifiés (formes et liens)"
    )
