"""The BPMN editor's token simulation works from the keyboard and speaks to screen readers: its
on/off switch is a named switch reached by Tab and flipped by Space or Enter, in English and in
French; its buttons say their state; in simulation mode the page passes the accessibility scan and
no two controls of the two libraries overlap (1280x720)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import scan
from tests.browser.conftest import login, screenshot
from tests.browser.projects_helpers import SPLIT, new_project, open_editor

pytestmark = pytest.mark.browser

MOST_TABS = 40
"""More than the page's tab stops before the diagram (header, breadcrumbs, toolbar, canvas)."""


def open_review(page: Any, studio: Any, language: str = "en") -> None:
    ident, _ = new_project(studio, {"review.bpmn": SPLIT}, prefix=f"sim-a11y-{language}")
    login(page, "ann")
    if language == "fr":
        page.locator(".language-switch button[value=fr]").click()
    open_editor(page, ident, "review.bpmn")


def switch(page: Any) -> Any:
    return page.locator("#diagram .bts-toggle-mode")


def tab_to(page: Any, target: Any) -> None:
    """Press Tab from the top of the page until `target` has the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{MOST_TABS} presses of Tab never reached the element")


def test_tab_reaches_the_switch_and_space_turns_the_simulation_on_and_off(page, studio) -> None:
    open_review(page, studio)
    toggle = switch(page)
    simulation_buttons = page.locator("#diagram .bts-palette")
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(simulation_buttons).to_be_hidden()

    tab_to(page, toggle)
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-checked", "true")
    expect(simulation_buttons.get_by_role("button", name="Reset Simulation")).to_be_visible()
    expect(page.locator("#diagram .bts-set-animation-speed")).to_be_visible()
    expect(page.locator(".djs-palette")).to_be_hidden()  # modelling tools give way
    expect(toggle).to_be_focused()
    screenshot(page, "token-simulation-switch-focused")

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(simulation_buttons).to_be_hidden()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-checked", "true")


def outline(element: Any) -> str:
    return element.evaluate(
        "e => `${getComputedStyle(e).outlineStyle} ${getComputedStyle(e).outlineWidth}`"
    )


def test_the_switch_and_the_lint_button_show_a_focus_ring(page, studio) -> None:
    open_review(page, studio)
    lint = page.locator("#diagram .bjsl-button")
    tab_to(page, lint)
    assert outline(lint) == "solid 3px"
    toggle = switch(page)
    tab_to(page, toggle)
    assert outline(toggle) == "solid 3px"


def test_the_switch_follows_the_mouse_and_the_t_shortcut(page, studio) -> None:
    open_review(page, studio)
    toggle = switch(page)
    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "true")
    page.locator("#diagram .djs-container > svg").focus()
    page.keyboard.press("t")  # the library's own shortcut, on the canvas
    expect(toggle).to_have_attribute("aria-checked", "false")
    expect(page.locator("#diagram .bts-palette")).to_be_hidden()


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Token Simulation"), ("fr", "Simulation de jetons")]
)
def test_the_switch_is_named_in_the_page_language(page, studio, language: str, name: str) -> None:
    open_review(page, studio, language)
    expect(page.locator("#diagram").get_by_role("switch", name=name, exact=True)).to_be_visible()


def test_the_simulation_buttons_say_their_state(page, studio) -> None:
    open_review(page, studio)
    switch(page).click()
    speed = page.locator("#diagram").get_by_role("group", name="Animation speed")
    fast = speed.get_by_role("button", name="Set animation speed = Fast")
    normal = speed.get_by_role("button", name="Set animation speed = Normal")
    expect(normal).to_have_attribute("aria-pressed", "true")
    expect(fast).to_have_attribute("aria-pressed", "false")
    fast.click()
    expect(fast).to_have_attribute("aria-pressed", "true")
    expect(normal).to_have_attribute("aria-pressed", "false")

    controls = page.locator("#diagram .bts-palette")
    log_button = controls.get_by_role("button", name="Toggle Simulation Log")
    expect(log_button).to_have_attribute("aria-expanded", "false")
    log_button.click()
    expect(log_button).to_have_attribute("aria-expanded", "true")

    play_pause = controls.get_by_role("button", name="Play/Pause Simulation")
    expect(play_pause).to_have_attribute("aria-pressed", "false")
    start = page.locator('#diagram .djs-overlays[data-container-id="start"]')
    start.get_by_role("button", name="Trigger Event").click()
    expect(play_pause).to_have_attribute("aria-pressed", "true")
    play_pause.click()
    expect(play_pause).to_have_attribute("aria-pressed", "false")


def test_the_speed_buttons_in_french(page, studio) -> None:
    open_review(page, studio, "fr")
    switch(page).click()
    speed = page.locator("#diagram").get_by_role("group", name="Vitesse d\u2019animation")
    expect(speed.get_by_role("button", name="Vitesse d\u2019animation : lente")).to_be_visible()


CONTROLS = {
    "the switch": ".bts-toggle-mode",
    "the simulation buttons": ".bts-palette",
    "the process instances": ".bts-scopes",
    "the speed buttons": ".bts-set-animation-speed",
    "bpmnlint's button": ".bjsl-button",
    "the notifications": ".bts-notifications",
}

RUN_AND_PAUSE = """(controls) => {
    const diagram = document.querySelector('#diagram');
    diagram.querySelector('.djs-overlays[data-container-id="start"] .bts-context-pad').click();
    diagram.querySelector('.bts-palette .bts-entry').click();  // pause: the instance stays
    return Object.fromEntries(Object.entries(controls).map(([name, selector]) => {
        const { x, y, width, height } = diagram.querySelector(selector).getBoundingClientRect();
        return [name, { x, y, width, height }];
    }));
}"""
"""Start an instance and pause it at once, in one go (the notifications it raises live 2 s): the
boxes of the controls."""


def run_and_pause(page: Any) -> dict[str, dict[str, float]]:
    return page.evaluate(RUN_AND_PAUSE, CONTROLS)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_simulation_mode_passes_the_accessibility_scan(page, studio, language: str) -> None:
    open_review(page, studio, language)
    switch(page).click()
    run_and_pause(page)  # an instance: its coloured labels in the log and the notifications
    page.locator("#diagram .bts-palette .bts-entry").last.click()  # the log
    expect(page.locator("#diagram .bts-log .bts-entry[data-scope-id]").first).to_be_visible()
    scan(page)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_two_controls_overlap_in_simulation_mode(page, studio, language: str) -> None:
    open_review(page, studio, language)
    switch(page).click()
    boxes = run_and_pause(page)
    screenshot(page, f"token-simulation-controls-{language}")
    for name, box in boxes.items():
        assert box["width"] > 0 and box["height"] > 0, f"{name} is not shown"
    names = list(boxes)
    overlapping = [
        f"{a} {boxes[a]} and {b} {boxes[b]}"
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if overlap(boxes[a], boxes[b])
    ]
    assert not overlapping, "overlapping controls: " + "; ".join(overlapping)


def test_the_speed_buttons_and_the_lint_button_both_take_clicks(page, studio) -> None:
    open_review(page, studio)
    switch(page).click()
    speed = page.locator("#diagram .bts-set-animation-speed")
    lint = page.locator("#diagram .bjsl-button")
    # Playwright refuses to click an element that another one covers.
    lint.click()
    expect(lint).to_have_class(re.compile(r"\bbjsl-button-inactive\b"))
    slow = speed.get_by_role("button", name="Set animation speed = Slow")
    slow.click()
    expect(slow).to_have_attribute("aria-pressed", "true")
