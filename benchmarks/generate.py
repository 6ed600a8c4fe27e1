"""Generators of large, realistic models for the benchmarks (deterministic, no randomness)."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

CMMN_NS = "http://www.omg.org/spec/CMMN/20151109/MODEL"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def cmmn_model(plan_items: int = 1000, stage_size: int = 50) -> bytes:
    """A case with `plan_items` plan items: stages of human tasks chained by sentries with
    if-parts, a milestone and a user event listener per stage, repetition and required rules,
    a case file model, and DI for every item, criterion and on-part."""
    items, defs, sentries_by_stage, shapes = [], [], {}, []
    stage_count = max(1, plan_items // stage_size)
    per_stage = plan_items // stage_count - 1  # one plan item per stage is the stage itself
    stage_blocks = []
    y = 60
    for s in range(stage_count):
        inner_items, inner_defs, inner_sentries = [], [], []
        previous = None
        for t in range(per_stage):
            pid, did = f"pi_{s}_{t}", f"ht_{s}_{t}"
            kind = t % 10
            entry = ""
            if previous is not None:
                sid = f"s_{s}_{t}"
                entry = f'<entryCriterion id="ec_{s}_{t}" sentryRef="{sid}"/>'
                event = (
                    "occur"
                    if previous.startswith("pi_m") or previous.startswith("pi_u")
                    else ("complete")
                )
                inner_sentries.append(
                    f'<sentry id="{sid}"><planItemOnPart id="op_{s}_{t}" sourceRef="{previous}">'
                    f"<standardEvent>{event}</standardEvent></planItemOnPart>"
                    f'<ifPart id="if_{s}_{t}"><condition>claim.amount &gt; {t} and '
                    f'claim.status != "closed"</condition></ifPart></sentry>'
                )
            control = ""
            if kind == 3:
                control = (
                    '<itemControl id="ic_{0}"><repetitionRule id="rr_{0}"><condition>'
                    "claim.retries &lt; 3</condition></repetitionRule></itemControl>"
                ).format(f"{s}_{t}")
            elif kind == 5:
                control = (
                    f'<itemControl id="ic_{s}_{t}"><requiredRule id="rq_{s}_{t}"/></itemControl>'
                )
            if kind == 7:
                pid, did = f"pi_m_{s}_{t}", f"ms_{s}_{t}"
                inner_defs.append(f'<milestone id="{did}" name="Milestone {s}.{t}"/>')
            elif kind == 9:
                pid, did = f"pi_u_{s}_{t}", f"ue_{s}_{t}"
                inner_defs.append(f'<userEventListener id="{did}" name="Event {s}.{t}"/>')
            else:
                inner_defs.append(
                    f'<humanTask id="{did}" name={quoteattr(f"Task {s}.{t}")} performerRef="role_clerk"/>'
                )
            inner_items.append(
                f'<planItem id="{pid}" name="Item {s}.{t}" definitionRef="{did}">'
                f"{control}{entry}</planItem>"
            )
            x = 80 + (t % 10) * 130
            row = y + 40 + (t // 10) * 110
            shapes.append(_cmmn_shape(pid, x, row, 100, 80))
            if entry:
                shapes.append(_cmmn_shape(f"ec_{s}_{t}", x - 10, row + 26, 20, 28))
                shapes.append(
                    f'<cmmndi:CMMNEdge id="op_{s}_{t}_di" cmmnElementRef="op_{s}_{t}" '
                    f'targetCMMNElementRef="ec_{s}_{t}"><di:waypoint x="{x - 30}" y="{row + 40}"/>'
                    f'<di:waypoint x="{x - 10}" y="{row + 40}"/><cmmndi:CMMNLabel/></cmmndi:CMMNEdge>'
                )
            previous = pid
        stage_id = f"stage_{s}"
        items.append(f'<planItem id="pi_stage_{s}" name="Stage {s}" definitionRef="{stage_id}"/>')
        shapes.append(_cmmn_shape(f"pi_stage_{s}", 40, y, 1400, 60 + (per_stage // 10 + 1) * 110))
        y += 120 + (per_stage // 10 + 1) * 110
        stage_blocks.append(
            f'<stage id="{stage_id}" name="Stage {s}" autoComplete="true">'
            + "".join(inner_items)
            + "".join(inner_sentries)
            + "".join(inner_defs)
            + "</stage>"
        )
        sentries_by_stage[s] = inner_sentries
    defs = stage_blocks
    shapes.insert(0, _cmmn_shape("plan", 20, 20, 1500, y + 40))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{CMMN_NS}" '
        'xmlns:cmmndi="http://www.omg.org/spec/CMMN/20151109/CMMNDI" '
        'xmlns:dc="http://www.omg.org/spec/CMMN/20151109/DC" '
        'xmlns:di="http://www.omg.org/spec/CMMN/20151109/DI" '
        'id="defs" targetNamespace="urn:bench">'
        '<case id="BigCase" name="Big case"><caseFileModel id="cfm">'
        '<caseFileItem id="cfi_claim" name="claim"/></caseFileModel>'
        '<casePlanModel id="plan" name="Big case" autoComplete="true">'
        + "".join(items)
        + "".join(defs)
        + '</casePlanModel><caseRoles id="roles"><role id="role_clerk" name="clerk"/></caseRoles>'
        '</case><cmmndi:CMMNDI><cmmndi:CMMNDiagram id="diagram">'
        + "".join(shapes)
        + "</cmmndi:CMMNDiagram></cmmndi:CMMNDI></definitions>"
    ).encode()


def _cmmn_shape(ref: str, x: int, y: int, w: int, h: int) -> str:
    return (
        f'<cmmndi:CMMNShape id="{ref}_di" cmmnElementRef="{ref}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/><cmmndi:CMMNLabel/></cmmndi:CMMNShape>'
    )


def bpmn_model(elements: int = 1000) -> bytes:
    """A process of about `elements` flow elements (tasks, gateways, flows, events) with DI:
    a chain of blocks, each an exclusive split with a condition and a default flow, a script
    task and a user task, an exclusive join, then a parallel split/join."""
    nodes, flows, shapes, edges = [], [], [], []
    x = 100

    def node(tag: str, ident: str, extra: str = "", body: str = "", w: int = 100, h: int = 80):
        nonlocal x
        nodes.append(f'<{tag} id="{ident}"{extra}>{body}</{tag}>')
        shapes.append(
            f'<bpmndi:BPMNShape id="{ident}_di" bpmnElement="{ident}">'
            f'<dc:Bounds x="{x}" y="200" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
        x += w + 50

    def flow(ident: str, source: str, target: str, condition: str = ""):
        body = (
            f'<conditionExpression xsi:type="tFormalExpression">{condition}</conditionExpression>'
            if condition
            else ""
        )
        flows.append(
            f'<sequenceFlow id="{ident}" sourceRef="{source}" targetRef="{target}">{body}</sequenceFlow>'
        )
        edges.append(
            f'<bpmndi:BPMNEdge id="{ident}_di" bpmnElement="{ident}">'
            f'<di:waypoint x="{x - 50}" y="240"/><di:waypoint x="{x}" y="240"/></bpmndi:BPMNEdge>'
        )

    node("startEvent", "start", w=36, h=36)
    previous = "start"
    block = 0
    # each block: 8 nodes + 10 flows = 18 elements
    while len(nodes) + len(flows) < elements - 2:
        b = block
        node("exclusiveGateway", f"split_{b}", f' default="f_{b}_d"', w=50, h=50)
        flow(f"f_{b}_in", previous, f"split_{b}")
        node(
            "scriptTask",
            f"score_{b}",
            ' name="Score" scriptFormat="python"',
            f"<script>score = amount * {b + 1}</script>",
        )
        node("userTask", f"review_{b}", ' name="Review"')
        flow(f"f_{b}_c", f"split_{b}", f"score_{b}", f"amount &gt; {b}")
        flow(f"f_{b}_d", f"split_{b}", f"review_{b}")
        node("exclusiveGateway", f"join_{b}", w=50, h=50)
        flow(f"f_{b}_j1", f"score_{b}", f"join_{b}")
        flow(f"f_{b}_j2", f"review_{b}", f"join_{b}")
        node("parallelGateway", f"fork_{b}", w=50, h=50)
        flow(f"f_{b}_p", f"join_{b}", f"fork_{b}")
        node("serviceTask", f"notify_{b}", ' name="Notify" implementation="echo"')
        node("task", f"file_{b}", ' name="File"')
        flow(f"f_{b}_p1", f"fork_{b}", f"notify_{b}")
        flow(f"f_{b}_p2", f"fork_{b}", f"file_{b}")
        node("parallelGateway", f"sync_{b}", w=50, h=50)
        flow(f"f_{b}_s1", f"notify_{b}", f"sync_{b}")
        flow(f"f_{b}_s2", f"file_{b}", f"sync_{b}")
        previous = f"sync_{b}"
        block += 1
    node("endEvent", "end", w=36, h=36)
    flow("f_end", previous, "end")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{BPMN_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="urn:bench">'
        '<process id="BigProcess" isExecutable="true">'
        + "".join(nodes)
        + "".join(flows)
        + '</process><bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="BigProcess">'
        + "".join(shapes)
        + "".join(edges)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
    ).encode()
