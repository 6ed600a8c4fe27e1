"""The CMMN properties panel on the deployed-diagram page in edit mode (cmmn-js 0.20): what it
writes is what studio.notation reads and the validator accepts, and undo covers it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from studio.editor.validation import validate_file
from studio.notation import read_model
from studio.notation.binding import iter_elements
from studio.runtime.engine.due_dates import due_text
from tests.browser.a11y import scan
from tests.browser.conftest import SAMPLE, login, screenshot

pytestmark = pytest.mark.browser

CMMN = "disputed-invoice.cmmn"
TIMER = "duration(max(days_between(invoice.received, invoice.due) - 5, 0) * 86400)"


def open_editor(page, deployment: int, file: str = CMMN) -> None:
    page.goto(f"/deployments/{deployment}/diagram/{file}?mode=edit")
    page.wait_for_selector("#diagram[data-state]")
    state = page.locator("#diagram").get_attribute("data-state")
    assert state == "ready", page.locator("#diagram-status").inner_text()


def panel(page):
    return page.locator(".cs-props")


def pick(page, ident: str, position: dict | None = None) -> None:
    """Select a diagram element by clicking it; the panel shows it."""
    # First a click on the empty canvas: the context pad of a selection may cover the element.
    page.locator("#diagram .djs-container").click(position={"x": 300, "y": 12})
    shape = page.locator(f'#diagram svg .djs-element[data-element-id="{ident}"]').first
    shape.click(position=position)
    page.wait_for_selector(f'.cs-props[data-element="{ident}"]')


def commit(field, value: str) -> None:
    """Type a value into a panel field and commit it (Enter; Ctrl+Enter in a text area)."""
    field.fill(value)
    multiline = field.evaluate("e => e.tagName") == "TEXTAREA"
    field.press("Control+Enter" if multiline else "Enter")


def download(page) -> str:
    with page.expect_download() as saved:
        page.locator("button[data-action=download]").click()
    return Path(saved.value.path()).read_text(encoding="utf-8")


def errors(folder: Path, xml: str | None = None, file: str = CMMN) -> set[tuple[str, str | None]]:
    """The errors the validator finds in `file` of a project folder (after writing `xml` there)."""
    target = folder / file
    if xml is not None:
        target.write_text(xml, encoding="utf-8")
    return {(p.code, p.element) for p in validate_file(target) if p.severity == "error"}


def by_id(model, ident: str):
    found = [e for e in iter_elements(model) if getattr(e, "id", None) == ident]
    assert len(found) == 1, ident
    return found[0]


def test_the_panel_edits_what_the_engine_executes(page, deployment, tmp_path) -> None:
    login(page, "ann")
    open_editor(page, deployment)
    props = panel(page)

    # A human task: its required rule with a condition, a new performer role, blocking off, a due date.
    pick(page, "pi_review")
    commit(props.get_by_label("Name", exact=True), "Review the disputed invoice")
    label = page.locator('#diagram .djs-element[data-element-id="pi_review"] text')
    expect(label).to_contain_text("disputed")  # cmmn-js redraws its label
    commit(props.get_by_label("Documentation"), "Invoice, order and delivery note side by side.")
    props.get_by_label("Required", exact=True).check()
    commit(props.get_by_label("Condition of required"), 'dispute_reason == "price gap"')
    commit(props.get_by_label("New role"), "controller")
    assert (
        props.get_by_label("Performer").evaluate("s => s.selectedOptions[0].text") == "controller"
    )
    props.get_by_label("Blocking", exact=True).uncheck()
    commit(props.get_by_label("Due date"), "P2D")
    # The definition's default control (folded at first): manual activation, no condition.
    props.locator("summary", has_text="Default control").click()
    props.get_by_label("Manual activation by default", exact=True).check()
    expect(
        props.get_by_text("Inherited from the default control of the definition: always true")
    ).to_be_visible()
    screenshot(page, "cmmn-properties-human-task")

    # A sentry's if-part, through its entry criterion.
    pick(page, "ec_business")
    commit(props.get_by_label("If-part condition"), 'review_finding == "confirmed"')
    on_part = props.get_by_label("Review the disputed invoice: event")  # its on-part
    assert on_part.input_value() == "complete"
    on_part.select_option("exit")
    screenshot(page, "cmmn-properties-sentry")

    # A timer, changed then undone: the panel follows.
    pick(page, "pi_due_soon")
    timer = props.get_by_label("Timer expression")
    assert timer.input_value() == TIMER
    commit(timer, "P3D")
    assert timer.input_value() == "P3D"
    page.get_by_role("button", name="Undo").click()
    expect(props.get_by_label("Timer expression")).to_have_value(TIMER)
    page.get_by_role("button", name="Redo").click()
    expect(props.get_by_label("Timer expression")).to_have_value("P3D")
    page.get_by_role("button", name="Undo").click()
    expect(props.get_by_label("Timer expression")).to_have_value(TIMER)
    screenshot(page, "cmmn-properties-timer")

    xml = download(page)
    model = read_model(xml.encode("utf-8"))
    item = by_id(model, "pi_review")
    assert item.name == "Review the disputed invoice"
    assert [d.text for d in item.documentation] == [
        "Invoice, order and delivery note side by side."
    ]
    assert item.item_control.required_rule.condition.source == 'dispute_reason == "price gap"'
    assert item.item_control.repetition_rule is None
    assert item.item_control.manual_activation_rule is None
    task = by_id(model, "ht_review")
    assert task.is_blocking is False
    assert by_id(model, task.performer_ref).name == "controller"
    assert due_text(task) == "P2D"
    default = task.default_control
    assert default.manual_activation_rule.condition is None
    assert default.required_rule is None and default.repetition_rule is None
    sentry = by_id(model, "s_needs_business")
    assert sentry.if_part.condition.source == 'review_finding == "confirmed"'
    (part,) = sentry.on_parts
    assert (part.source_ref, part.standard_event) == ("pi_review", "exit")
    assert by_id(model, "tl_due_soon").timer_expression.source == TIMER

    folder = tmp_path / "project"
    shutil.copytree(SAMPLE, folder)
    before = errors(folder)
    assert errors(folder, xml) <= before


def test_planning_roles_and_the_case_file_in_french(page, deployment, tmp_path) -> None:
    login(page, "ann")
    page.locator(".language-switch button[value=fr]").click()
    open_editor(page, deployment)
    props = panel(page)
    expect(props.get_by_role("heading", name="Propriétés")).to_be_visible()

    # A discretionary item: who may plan it, a new applicability rule with its condition.
    pick(page, "di_call_supplier")
    props.get_by_label("budget holder").check()
    commit(props.get_by_label("Nouvelle règle d\u2019applicabilité"), "Montant élevé")
    commit(props.get_by_label("Condition de la règle Montant élevé"), "invoice.gross > 5000")
    screenshot(page, "cmmn-properties-discretionary-fr")

    pick(page, "pi_review")
    props.locator("summary", has_text="Général").click()  # folded: the rest shows at 720 px
    expect(props.get_by_label("Exécutant")).to_be_visible()
    screenshot(page, "cmmn-properties-human-task-fr")

    # A user event listener: its authorized roles.
    pick(page, "pi_withdrawn")
    props.get_by_label("buyer").check()

    # A case file item: multiplicity and its definition's JSON Schema.
    pick(page, "cfi_invoice")
    props.get_by_label("Multiplicité").select_option("ExactlyOne")
    commit(props.get_by_label("Schéma JSON (structureRef)"), "DisputedInvoice.schema.json")

    # The case plan model: autoComplete off.
    pick(page, "plan", {"x": 12, "y": 12})  # its border, not what it holds
    props.get_by_label("Terminer automatiquement").uncheck()
    scan(page, ".cs-props")
    screenshot(page, "cmmn-properties-case-file-fr")

    xml = download(page)
    model = read_model(xml.encode("utf-8"))
    item = by_id(model, "di_call_supplier")
    assert item.authorized_role_refs.split() == ["role_accountant", "role_budget_holder"]
    (rule_id,) = item.applicability_rule_refs.split()
    rule = by_id(model, rule_id)
    assert rule.name == "Montant élevé" and rule.condition.source == "invoice.gross > 5000"
    assert by_id(model, "ue_withdrawn").authorized_role_refs.split() == [
        "role_accountant",
        "role_buyer",
    ]
    assert by_id(model, "cfi_invoice").multiplicity == "ExactlyOne"
    assert by_id(model, "cfd_invoice").structure_ref == "DisputedInvoice.schema.json"
    assert by_id(model, "plan").auto_complete is False

    folder = tmp_path / "project"
    shutil.copytree(SAMPLE, folder)
    assert errors(folder, xml) <= errors(folder)


CONTRACTS = SAMPLE.parent / "contract-management"


@pytest.fixture(scope="module")
def contracts(studio) -> int:
    """The contract-management sample (process tasks calling BPMN processes), deployed."""
    deployments = studio.extensions["studio"].deployments
    deployed, _, _ = deployments.deploy_folder(CONTRACTS, actor="test")
    return deployed.id


def test_a_process_task_calls_a_process_of_the_project(page, contracts, tmp_path) -> None:
    login(page, "ann")
    open_editor(page, contracts, "contract.cmmn")
    props = panel(page)

    pick(page, "pi_draft")
    process = props.get_by_label("Process", exact=True)
    assert process.evaluate("s => s.selectedOptions[0].text") == (
        "Draft from the clause canvas (DraftFromCanvas)"
    )
    process.select_option("proc_register")
    expect(props.get_by_label("BPMN process id (externalRef)")).to_have_value(
        "RegisterSignedContract"
    )

    pick(page, "pi_register")
    commit(props.get_by_label("New process"), "RenewContract")
    expect(props.get_by_label("BPMN process id (externalRef)")).to_have_value("RenewContract")

    # Its parameter mappings: the contract goes in as `terms`, uppercased; `level` comes back.
    props.get_by_label("Case file item").select_option(label="contract")
    props.get_by_label("Process variable").fill("terms")
    props.get_by_role("button", name="Add mapping").click()
    commit(props.get_by_label("Transformation of contract → terms"), "upper(contract.title)")
    props.get_by_label("Direction").select_option("out")
    props.get_by_label("Case file item").select_option(label="risk_level")
    props.get_by_label("Process variable").fill("level")
    props.get_by_role("button", name="Add mapping").click()
    expect(props.get_by_label("Transformation of level → risk_level")).to_have_value("")
    props.get_by_role("button", name="Remove level → risk_level").click()
    page.get_by_role("button", name="Undo").click()  # the removal
    expect(props.get_by_label("Transformation of level → risk_level")).to_be_visible()
    screenshot(page, "cmmn-properties-process-task")

    # A timer's start trigger: the event of its source it waits for.
    pick(page, "pi_reminder")
    start = props.get_by_label("Send for e-signature: event")
    assert start.input_value() == "complete"
    start.select_option("start")
    scan(page, ".cs-props")

    xml = download(page)
    model = read_model(xml.encode("utf-8"))
    assert by_id(model, "pt_draft").process_ref == "proc_register"
    trigger = by_id(model, "tel_reminder").timer_start
    assert (trigger.source_ref, trigger.standard_event) == ("pi_send", "start")
    created = by_id(model, by_id(model, "pt_register").process_ref)
    assert created.external_ref == "RenewContract"
    task = by_id(model, "pt_register")
    into, back = task.parameter_mappings
    (task_in,), (task_out,) = task.inputs, task.outputs
    (process_in,), (process_out,) = created.inputs, created.outputs
    assert (task_in.name, task_in.binding_ref, process_in.name) == (
        "contract",
        "cfi_contract",
        "terms",
    )
    assert (into.source_ref, into.target_ref) == (task_in.id, process_in.id)
    assert into.transformation.source == "upper(contract.title)"
    assert (task_out.binding_ref, process_out.name) == ("cfi_risk", "level")
    assert (back.source_ref, back.target_ref, back.transformation) == (
        process_out.id,
        task_out.id,
        None,
    )

    folder = tmp_path / "project"
    shutil.copytree(CONTRACTS, folder)
    assert errors(folder, xml, "contract.cmmn") <= errors(folder, None, "contract.cmmn")


def test_the_panel_is_keyboard_navigable(page, deployment) -> None:
    login(page, "ann")
    open_editor(page, deployment)
    props = panel(page)
    pick(page, "pi_review")
    name = props.get_by_label("Name", exact=True)
    name.focus()
    page.keyboard.press("Tab")
    documentation = props.get_by_label("Documentation")
    expect(documentation).to_be_focused()
    outline = documentation.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"  # a visible focus ring
    page.keyboard.press("Tab")  # the "Item control" heading: Enter folds the group
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    expect(props.get_by_label("Required", exact=True)).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the "Required" checkbox
    expect(props.get_by_label("Condition of required")).to_be_visible()
    expect(props.get_by_label("Required", exact=True)).to_be_focused()  # kept across the redraw
    page.keyboard.press("Tab")
    expect(props.get_by_label("Condition of required")).to_be_focused()
    page.keyboard.type("amount > (1000")
    page.keyboard.press("Enter")  # refused: said in words, nothing changes
    expect(props.get_by_role("alert")).to_have_text("A bracket or a quote is not closed.")
    condition = props.get_by_label("Condition of required")
    expect(condition).to_have_attribute("aria-invalid", "true")
    condition.fill("amount > 1000")
    page.keyboard.press("Enter")
    expect(props.get_by_label("Condition of required")).to_have_value("amount > 1000")
    expect(props.get_by_role("alert")).to_be_hidden()
    page.get_by_role("button", name="Undo").click()
    expect(props.get_by_label("Condition of required")).to_have_value("")
    screenshot(page, "cmmn-properties-keyboard")
    scan(page, ".cs-props")  # WCAG 2.1 A/AA: no serious or critical violation


def test_a_case_task_made_from_the_replace_menu(page, deployment) -> None:
    login(page, "ann")
    open_editor(page, deployment)
    props = panel(page)
    pick(page, "pi_extension")
    page.locator('#diagram .djs-context-pad .entry[data-action="replace"]').click()
    page.locator('#diagram .djs-popup [data-id="replace-with-case-task-plan-item"]').click()
    expect(props.locator("h2")).to_contain_text("Case Task")
    case_ref = props.get_by_label("Case id (caseRef)")
    assert case_ref.evaluate("e => [...e.list.options].map(o => o.value)") == []  # no other case
    commit(case_ref, "DisputedInvoice")
    props.get_by_label("Blocking", exact=True).uncheck()
    expect(props.get_by_label("Case id (caseRef)")).to_have_value("DisputedInvoice")
    screenshot(page, "cmmn-properties-case-task")

    model = read_model(download(page).encode("utf-8"))
    (task,) = [e for e in iter_elements(model) if type(e).__name__ == "CaseTask"]
    assert (task.case_ref, task.is_blocking) == ("DisputedInvoice", False)


LIFE = SAMPLE.parent / "life-insurance-requests"


@pytest.fixture(scope="module")
def life(studio) -> int:
    """The life-insurance sample (a decision task on a DMN table), deployed."""
    deployments = studio.extensions["studio"].deployments
    deployed, _, _ = deployments.deploy_folder(LIFE, actor="test")
    return deployed.id


def test_a_decision_task_calls_a_decision_of_the_project(page, life, tmp_path) -> None:
    file = "life_insurance_request.cmmn"
    login(page, "ann")
    open_editor(page, life, file)
    props = panel(page)
    pick(page, "pi_route")
    decision = props.get_by_label("Decision", exact=True)
    assert (
        decision.evaluate("s => s.selectedOptions[0].text") == "Route the request (route_request)"
    )
    commit(props.get_by_label("New decision"), "route_request")
    expect(props.get_by_label("DMN decision id (externalRef)")).to_have_value("route_request")
    screenshot(page, "cmmn-properties-decision-task")

    xml = download(page)
    model = read_model(xml.encode("utf-8"))
    created = by_id(model, by_id(model, "dt_route").decision_ref)
    assert created.id != "dec_route" and created.external_ref == "route_request"
    folder = tmp_path / "project"
    shutil.copytree(LIFE, folder)
    assert errors(folder, xml, file) <= errors(folder, None, file)


# Attribute values the schema gives by default: cmmn-js's moddle leaves them out when saving.
DEFAULTS = {
    "is_blocking": True,
    "auto_complete": False,
    "definition_type": "http://www.omg.org/spec/CMMN/DefinitionType/Unspecified",
}


def differences(saved, original, path: str = "") -> list[str]:
    """Where two read models differ, attribute values the schema defaults taken as given."""
    if dataclasses.is_dataclass(saved) and type(saved) is type(original):
        found = []
        for f in dataclasses.fields(saved):
            if f.compare and f.name != "cmmndi":
                a, b = getattr(saved, f.name), getattr(original, f.name)
                if f.name in DEFAULTS:
                    a, b = (DEFAULTS[f.name] if v is None else v for v in (a, b))
                found += differences(a, b, f"{path}.{f.name}")
        return found
    if isinstance(saved, tuple) and isinstance(original, tuple) and len(saved) == len(original):
        return [
            d
            for i, (a, b) in enumerate(zip(saved, original, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if saved == original else [f"{path}: {saved!r:.100} != {original!r:.100}"]


@pytest.mark.parametrize(
    ("sample", "file"),
    [
        ("invoice-processing", CMMN),
        ("contract-management", "contract.cmmn"),
        ("life-insurance-requests", "life_insurance_request.cmmn"),
        ("mail-distribution", "electronic-distribution.cmmn"),
    ],
)
def test_saving_without_a_change_keeps_what_the_engine_reads(
    page, studio, deployment, contracts, life, sample: str, file: str
) -> None:
    """cmmn-js's moddle must not lose or change anything our reader reads (diagrams aside)."""
    deployed = {"invoice-processing": deployment, "contract-management": contracts}
    deployed["life-insurance-requests"] = life
    if sample not in deployed:
        folder = SAMPLE.parent / sample
        deployed[sample] = (
            studio.extensions["studio"].deployments.deploy_folder(folder, actor="test")[0].id
        )
    ident = deployed[sample]
    login(page, "ann")
    open_editor(page, ident, file)
    saved = read_model(download(page).encode("utf-8"))
    original = read_model((SAMPLE.parent / sample / file).read_bytes())
    assert differences(saved, original) == []
