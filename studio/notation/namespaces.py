"""XML namespaces of the notations and their conventional prefixes."""

from __future__ import annotations

CMMN = "http://www.omg.org/spec/CMMN/20151109/MODEL"
CMMNDI = "http://www.omg.org/spec/CMMN/20151109/CMMNDI"
CMMN_DC = "http://www.omg.org/spec/CMMN/20151109/DC"
CMMN_DI = "http://www.omg.org/spec/CMMN/20151109/DI"

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
BPMN_DC = "http://www.omg.org/spec/DD/20100524/DC"
BPMN_DI = "http://www.omg.org/spec/DD/20100524/DI"

DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_OLDER = (
    "http://www.omg.org/spec/DMN/20180521/MODEL/",  # DMN 1.2
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",  # DMN 1.1
)
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DMN_DC = "http://www.omg.org/spec/DMN/20180521/DC/"
DMN_DI = "http://www.omg.org/spec/DMN/20180521/DI/"

XSI = "http://www.w3.org/2001/XMLSchema-instance"
FLOWABLE = "http://flowable.org/cmmn"
FLOWABLE_BPMN = "http://flowable.org/bpmn"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
CAMUNDA_CMMN = "http://camunda.org/schema/1.0/cmmn"
ACTIVITI = "http://activiti.org/bpmn"
STUDIO = "https://case-studio.dev/schema/1.0"
"""Our own extension namespace, for attributes the OMG schemas have no place for."""

PREFERRED_PREFIXES: dict[str, str] = {
    CMMNDI: "cmmndi",
    CMMN_DC: "dc",
    CMMN_DI: "di",
    BPMNDI: "bpmndi",
    BPMN_DC: "dc",
    BPMN_DI: "di",
    DMNDI: "dmndi",
    DMN_DC: "dc",
    DMN_DI: "di",
    XSI: "xsi",
    FLOWABLE: "flowable",
    FLOWABLE_BPMN: "flowable",
    CAMUNDA: "camunda",
    CAMUNDA_CMMN: "camunda",
    ACTIVITI: "activiti",
    STUDIO: "studio",
}


def qualified(namespace: str, local: str) -> str:
    """Clark notation `{namespace}local`, the form lxml uses for names."""
    return f"{{{namespace}}}{local}"


def split(clark: str) -> tuple[str | None, str]:
    """Split a Clark-notation name into (namespace, local name)."""
    if clark.startswith("{"):
        namespace, _, local = clark[1:].partition("}")
        return namespace, local
    return None, clark
