"""Sizes of CMMN shapes in pixels, after cmmn-js and Flowable, and their label areas."""

from __future__ import annotations

import math

from studio.editor.layout.cmmn_scene import SceneShape
from studio.editor.layout.text import text_width, wrap

FONT_SIZE = 12
LINE_HEIGHT = 14
TASK = (100, 80)
MILESTONE = (100, 40)
LISTENER = (36, 36)
CASE_FILE_ITEM = (36, 50)
EMPTY_STAGE = (350, 200)
CRITERION = (20, 28)
PLANNING_TABLE = (30, 20)
STAGE_HEADER = 24  # the strip at the top of a stage holding its name
PLAN_TAB = 24  # the case plan model's name sits in a tab above its frame
LABEL_WIDTH = 100  # labels under event listeners and case file items wrap at this width
CRITERION_SPACING = 32

LISTENER_KINDS = frozenset({"timerEventListener", "userEventListener", "eventListener"})
LABELLED_BELOW = LISTENER_KINDS | {"caseFileItem"}


def shape_size(shape: SceneShape) -> tuple[int, int]:
    """Width and height of a leaf shape (a container's size comes from its content)."""
    ports = max(len(shape.entry), len(shape.exit))
    if shape.kind in LISTENER_KINDS:
        return LISTENER
    if shape.kind == "caseFileItem":
        return CASE_FILE_ITEM
    if shape.kind == "milestone":
        width = _fitting_width(shape.name, MILESTONE[0], 2)
        return width, max(MILESTONE[1], CRITERION_SPACING * ports)
    if shape.kind in ("stage", "planFragment") and not shape.collapsed:
        return EMPTY_STAGE[0], max(EMPTY_STAGE[1], CRITERION_SPACING * ports)
    width = _fitting_width(shape.name, TASK[0], 3)
    return width, max(TASK[1], CRITERION_SPACING * ports)


def _fitting_width(name: str, width: int, max_lines: int) -> int:
    """The default width, widened in steps of 40 px (up to 2x) until the name fits."""
    longest = max((text_width(word, FONT_SIZE) for word in name.split()), default=0)
    for candidate in (width, width + 40, width * 2):
        fits = longest <= candidate - 16
        if fits and len(wrap(name, candidate - 16, FONT_SIZE)) <= max_lines:
            return candidate
    return width * 2


def label_below(shape: SceneShape) -> tuple[int, int]:
    """Width and height of the label under an event listener or case file item (else 0, 0)."""
    if shape.kind not in LABELLED_BELOW or not shape.name.strip():
        return 0, 0
    lines = wrap(shape.name, LABEL_WIDTH - 4, FONT_SIZE)
    width = max(text_width(line, FONT_SIZE) for line in lines) + 6
    return math.ceil(width), LINE_HEIGHT * len(lines) + 4


def header_width(shape: SceneShape) -> int:
    """Width a container needs for its name (and its planning table marker, top middle)."""
    name = text_width(shape.name, FONT_SIZE) if shape.name else 0
    if shape.kind == "casePlanModel":
        tab = tab_width(shape)
        return 2 * tab + PLANNING_TABLE[0] + 20 if shape.has_planning_table else tab
    if shape.has_planning_table:
        return math.ceil(2 * name + PLANNING_TABLE[0] + 40)
    return math.ceil(name + 16)


def tab_width(shape: SceneShape) -> int:
    """Width of the tab above the case plan model's frame holding its name."""
    return math.ceil(max(text_width(shape.name, FONT_SIZE) + 24, 80))
