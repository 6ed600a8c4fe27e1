"""Every diagram of the sample library opens in the studio: every element with a shape drawn, no
error (the examples an empty install offers must all be viewable and editable)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.browser.conftest import REPO, login

pytestmark = pytest.mark.browser

SAMPLES = REPO / "sample_models"
DIAGRAMS = sorted(
    path.relative_to(SAMPLES) for path in SAMPLES.glob("*/*") if path.suffix in (".bpmn", ".cmmn")
)


@pytest.fixture(scope="module")
def deployed(studio) -> dict[str, int]:
    """Each sample project deployed: project folder name -> deployment id."""
    deployments = studio.extensions["studio"].deployments
    found = {}
    for folder in sorted({path.parts[0] for path in DIAGRAMS}):
        deployment, _, _ = deployments.deploy_folder(SAMPLES / folder, key=f"sample-{folder}")
        found[folder] = deployment.id
    return found


def drawn_ids(path: Path) -> set[str]:
    """The ids of the elements the diagram has a shape for (our own sample files, read with the
    standard library's parser): all must be drawn — a file holding several processes shows them
    as pools of a collaboration."""
    root = ElementTree.parse(path).getroot()
    found = set()
    for node in root.iter():
        if node.tag.endswith("}CMMNShape"):
            found.add(node.get("cmmnElementRef", ""))
        elif node.tag.endswith("}BPMNShape"):
            found.add(node.get("bpmnElement", ""))
    return found - {""}


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=str)
@pytest.mark.parametrize("mode", ["", "?mode=edit"], ids=["view", "edit"])
def test_every_sample_diagram_opens(page, deployed, diagram: Path, mode: str) -> None:
    login(page, "admin", "admin-password-1")
    folder, file = diagram.parts[0], "/".join(diagram.parts[1:])
    page.goto(f"/deployments/{deployed[folder]}/diagram/{file}{mode}")
    page.wait_for_selector("#diagram[data-state]")
    state = page.locator("#diagram").get_attribute("data-state")
    assert state == "ready", page.locator("#diagram-status").inner_text()
    shapes = drawn_ids(SAMPLES / diagram)
    missing = [
        ident for ident in sorted(shapes)
        if page.locator(f'#diagram svg .djs-element[data-element-id="{ident}"]').count() == 0
    ]  # fmt: skip
    assert not missing, f"{diagram}: not drawn: {', '.join(missing[:10])}"
