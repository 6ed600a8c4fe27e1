"""The editor interface's contract, the same for both editors (bpmn-js and cmmn-js): open, select,
mark and clear marks, colour by state, notice changes, undo, redo, save, destroy.

Each editor is created by `createEditor` on the diagram page of its notation (so the CMMN one has
cmmn-js loaded), in a container of the test's own, and driven from the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

CASES = {
    "bpmn": ("invoice-processing.bpmn", "task_match"),
    "cmmn": ("disputed-invoice.cmmn", "pi_review"),
}
CREATE = """async ([notation, url]) => {
  const { createEditor, EDITOR_METHODS } = await import('/static/dist/editor-interface.js');
  const host = document.createElement('div');
  host.id = 'contract';
  host.tabIndex = 0;
  host.style.cssText = 'position: fixed; inset: 0; background: white; z-index: 50';
  document.body.append(host);
  const editor = await createEditor(notation, host, {});
  const changes = [];
  const stop = editor.onChange(() => changes.push(Date.now()));
  window.contract = { editor, changes, stop };
  const xml = await (await fetch(url)).text();
  const { warnings } = await editor.open(xml);
  return { methods: EDITOR_METHODS.filter((m) => typeof editor[m] === 'function').length,
           all: EDITOR_METHODS.length, warnings: warnings.length };
}"""


def gfx(page, ident: str):
    return page.locator(f'#contract svg .djs-element[data-element-id="{ident}"]')


def classes(page, ident: str) -> str:
    return gfx(page, ident).get_attribute("class") or ""


@pytest.mark.parametrize("notation", ["bpmn", "cmmn"])
def test_both_editors_keep_the_contract(page, deployment, notation: str) -> None:
    file, ident = CASES[notation]
    login(page, "ann")
    page.goto(f"/deployments/{deployment}/diagram/{file}?mode=edit")
    page.wait_for_selector("#diagram[data-state=ready]")
    opened = page.evaluate(CREATE, [notation, f"/deployments/{deployment}/files/{file}"])
    assert opened["methods"] == opened["all"] and opened["warnings"] == 0
    assert gfx(page, ident).count() == 1

    def call(script: str):
        """Run `script` with `e` the editor under test."""
        return page.evaluate(f"(() => {{ const e = window.contract.editor; {script} }})()")

    assert call(f"return e.select('{ident}')") is True
    assert "selected" in classes(page, ident)
    assert call("return e.select('no-such-element')") is False

    assert call(f"return e.mark('{ident}', 'cs-problem-error', 'Broken rule')") is True
    assert call("return e.mark('no-such-element', 'cs-problem-error', 'x')") is False
    assert "cs-problem-error" in classes(page, ident)
    assert gfx(page, ident).locator("title").text_content() == "Broken rule"
    call("e.clearMarks()")
    assert "cs-problem-error" not in classes(page, ident)
    assert gfx(page, ident).locator("title").count() == 0

    call(f"e.colour({{'{ident}': 'active', 'no-such-element': 'active'}})")
    assert "cs-state-active" in classes(page, ident)
    call(f"e.colour({{'{ident}': 'completed'}})")
    coloured = classes(page, ident)
    assert "cs-state-completed" in coloured and "cs-state-active" not in coloured
    call(f"e.colour({{'{ident}': 'not a state'}})")
    assert "cs-state-" not in classes(page, ident)

    # Delete the selected element with the keyboard, where the editor listens for it.
    call(f"e.select('{ident}')")
    page.evaluate(
        "(h => (h.querySelector('svg[tabindex]') || h).focus())(document.getElementById('contract'))"
    )
    page.keyboard.press("Delete")
    expect(gfx(page, ident)).to_have_count(0)
    assert page.evaluate("window.contract.changes.length") >= 1
    call("e.undo()")
    expect(gfx(page, ident)).to_have_count(1)
    call("e.redo()")
    expect(gfx(page, ident)).to_have_count(0)
    page.evaluate("window.contract.stop()")
    settled = page.evaluate("window.contract.changes.length")
    call("e.undo()")
    expect(gfx(page, ident)).to_have_count(1)
    assert page.evaluate("window.contract.changes.length") == settled

    saved = page.evaluate("window.contract.editor.save()")
    assert f'id="{ident}"' in saved
    call("e.destroy()")
    assert page.locator("#contract").evaluate("node => node.childElementCount") == 0
