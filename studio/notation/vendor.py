"""Flowable, Camunda and Activiti extensions: which ones we translate, which we cannot run.

Models exported from other tools carry vendor attributes and extension elements that change how
the model behaves. Those that map onto a concept of ours are translated into `execution hints`
(read by the engine); the others are reported by validation, never silently ignored. Purely
cosmetic or bookkeeping extensions are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from studio.messages import text
from studio.notation.binding import Element, iter_elements
from studio.notation.namespaces import (
    ACTIVITI,
    CAMUNDA,
    CAMUNDA_CMMN,
    FLOWABLE,
    FLOWABLE_BPMN,
    split,
)

VENDOR_NAMESPACES = {
    FLOWABLE: "flowable",
    FLOWABLE_BPMN: "flowable",
    CAMUNDA: "camunda",
    CAMUNDA_CMMN: "camunda",
    ACTIVITI: "activiti",
}

DUE_DATE = "dueDate"
"""Read as the due date of a human, user or manual task (studio.runtime.engine.due_dates)."""

TRANSLATED_ATTRIBUTES: dict[str, str] = {
    "assignee": "assignee",
    "candidateGroups": "performer",
    "formKey": "form",
    "async": "async",
    "asyncBefore": "async",
    "asyncAfter": "async",
}
"""Vendor attribute -> execution hint it becomes."""

UNSUPPORTED_ATTRIBUTES: dict[str, str] = {
    "candidateUsers": text(
        "candidate users are not supported; bind a case role (performerRef/lane)"
    ),
    "candidateStarterUsers": text("start permissions come from the studio's roles"),
    "candidateStarterGroups": text("start permissions come from the studio's roles"),
    "class": text("Java delegates cannot run here; use a service handler (studio.services)"),
    "delegateExpression": text("delegate expressions cannot run here; use a service handler"),
    "expression": text("method expressions cannot run here; use a service handler or a script"),
    "type": text(
        "vendor task types (external, mail, http...) cannot run here; use a service handler"
    ),
    "topic": text("external task topics cannot run here; use a service handler"),
    "priority": text("vendor task priorities are not read"),
    "resultVariableName": text(
        "result variables are not read; decision outputs go to the case file"
    ),
    "resultVariable": text("result variables are not read"),
    "maxInstanceCount": text(
        "a maximum repetition count is not supported; use a repetition condition"
    ),
    "repetitionCounterVariable": text("repetition counters are not provided to expressions"),
    "counterVariable": text("repetition counters are not provided to expressions"),
    "milestoneVariable": text("milestone variables are not set; use the milestone's state"),
    "availableCondition": text("available conditions are not supported; use an entry criterion"),
    "autoCompleteCondition": text("auto-complete conditions are not supported; use autoComplete"),
    "parentCompletionRule": text(
        "parent completion rules are not supported; use the required rule"
    ),
    "exitType": text("exit types are not supported; exit criteria terminate the item"),
    "exitEventType": text("exit event types are not supported; exit criteria terminate the item"),
    "sameDeployment": text("called elements always resolve within the model project"),
    "calledElementBinding": text("called elements always resolve within the model project"),
    "caseBinding": text("called elements always resolve within the model project"),
}
"""Vendor attributes that change behaviour and have no counterpart here, with the reason."""

UNSUPPORTED_ELEMENTS: dict[str, str] = {
    "taskListener": text("task listeners cannot run here"),
    "executionListener": text("execution listeners cannot run here"),
    "planItemLifecycleListener": text("lifecycle listeners cannot run here"),
    "caseLifecycleListener": text("lifecycle listeners cannot run here"),
    "eventListener": text("vendor event listeners cannot run here"),
    "field": text("delegate fields cannot run here"),
    "inputOutput": text("input/output mappings of the vendor are not read; data passes as a copy"),
    "in": text("vendor call mappings are not read; the called element gets a copy of the data"),
    "out": text("vendor call mappings are not read; changed items are written back"),
    "formProperty": text("vendor form properties are not read; give the task a form schema"),
    "formData": text("vendor form data is not read; give the task a form schema"),
    "failedJobRetryTimeCycle": text("retry cycles are set by the runtime"),
}


@dataclass(frozen=True, slots=True)
class VendorExtension:
    """A vendor attribute or extension element found on a model element."""

    element: Element
    vendor: str
    name: str
    value: str | None
    is_element: bool


def vendor_extensions(elements: Any) -> Iterator[VendorExtension]:
    """Every vendor attribute and extension element of a model (or of a list of its elements)."""
    for element in iter_elements(elements) if isinstance(elements, Element) else elements:
        for key, value in element.extra_attributes:
            namespace, local = split(key)
            vendor = VENDOR_NAMESPACES.get(namespace or "")
            if vendor:
                yield VendorExtension(element, vendor, local, value, False)
        extension = getattr(element, "extension_elements", None)
        if extension is not None:
            for _, node in extension.unknown:
                namespace, local = split(node.tag)
                vendor = VENDOR_NAMESPACES.get(namespace or "")
                if vendor:
                    yield VendorExtension(element, vendor, local, node.text, True)


def execution_hints(element: Element) -> dict[str, str]:
    """Our reading of an element's vendor attributes: assignee, performer, form, async."""
    hints: dict[str, str] = {}
    for key, value in element.extra_attributes:
        namespace, local = split(key)
        if namespace in VENDOR_NAMESPACES and local in TRANSLATED_ATTRIBUTES:
            hint = TRANSLATED_ATTRIBUTES[local]
            if hint == "async":
                if value.strip().lower() == "true":
                    hints["async"] = "true"
            else:
                hints[hint] = value.strip()
    return hints
