"""Sizes of BPMN shapes in pixels (those of bpmn-js) and of their external labels."""

from __future__ import annotations

import math

from studio.editor.layout.text import text_width, wrap

FONT_SIZE = 11
LINE_HEIGHT = 14
TASK = (100, 80)
EVENT = (36, 36)
GATEWAY = (50, 50)
DATA_OBJECT = (36, 50)
DATA_STORE = (50, 50)
ANNOTATION_WIDTH = 100
ANNOTATION_MIN_HEIGHT = 30
POOL_STRIP = 30  # the name strip down the left side of a pool
LANE_STRIP = 30  # the same for a lane that holds lanes
BLACK_BOX_HEIGHT = 60  # a pool without a process
MIN_LANE_HEIGHT = 100
LABEL_WIDTH = 90  # external labels wrap at this width
LABEL_GAP = 4  # between a shape and its label under it
BOUNDARY_SPACING = 40  # between the centres of boundary events on one border
SUB_PROCESS_PAD = 20  # around the content of an expanded sub-process
SUB_PROCESS_HEADER = 24  # its name, top left

ACTIVITY_KINDS = frozenset(
    {
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask",
        "sendTask", "receiveTask", "callActivity", "subProcess", "transaction",
        "adHocSubProcess",
    }
)  # fmt: skip
SUB_PROCESS_KINDS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENT_KINDS = frozenset(
    {
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
        "boundaryEvent", "implicitThrowEvent",
    }
)  # fmt: skip
GATEWAY_KINDS = frozenset(
    {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
     "complexGateway"}
)  # fmt: skip
DATA_OBJECT_KINDS = frozenset({"dataObjectReference", "dataObject", "dataInput", "dataOutput"})
LABELLED_BELOW = EVENT_KINDS | GATEWAY_KINDS | DATA_OBJECT_KINDS | {"dataStoreReference"}


def shape_size(kind: str, name: str = "") -> tuple[int, int]:
    """Width and height of a leaf shape of `kind` (an expanded sub-process excepted)."""
    if kind in EVENT_KINDS:
        return EVENT
    if kind in GATEWAY_KINDS:
        return GATEWAY
    if kind in DATA_OBJECT_KINDS:
        return DATA_OBJECT
    if kind == "dataStoreReference":
        return DATA_STORE
    if kind == "textAnnotation":
        lines = wrap(name, ANNOTATION_WIDTH - 10, FONT_SIZE) or [""]
        return ANNOTATION_WIDTH, max(ANNOTATION_MIN_HEIGHT, LINE_HEIGHT * len(lines) + 10)
    return TASK


def label_size(text: str, max_width: int = LABEL_WIDTH) -> tuple[int, int]:
    """Width and height of an external label holding `text` (0, 0 without text)."""
    if not text.strip():
        return 0, 0
    lines = wrap(text, max_width, FONT_SIZE)
    width = max(text_width(line, FONT_SIZE) for line in lines) + 4
    return math.ceil(width), LINE_HEIGHT * len(lines)
