"""The HTML simulation report and the what-if comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studio.editor.layout import LayoutError
from studio.simulation.compare import (
    comparison_json,
    render_comparison_html,
    render_comparison_text,
)
from studio.simulation.report_html import render_report

REPO = Path(__file__).resolve().parents[2]
CLAIM = REPO / "docs" / "examples" / "claim.cmmn"
HOSTILE = "<script>alert(1)</script>"

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d" targetNamespace="https://example.org">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <userTask id="review" name="Review"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
  </process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="p">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="20" y="40" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="100" y="18" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="250" y="40" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="56" y="58"/><di:waypoint x="100" y="58"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="200" y="58"/><di:waypoint x="250" y="58"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>
"""


def result(cycle_mean: float = 5400.0) -> dict:
    return {
        "cases": {"arrived": 120, "completed": 100, "terminated": 5, "open": 15},
        "cycle_time": {"mean": cycle_mean, "p50": 3 * 86400, "p90": 7200, "p95": 9000,
                       "max": 45.0},
        "activities": {
            "Assess damage": {"count": 100, "waiting": {"mean": 600.0, "p90": 1500.0},
                              "processing": {"mean": 1200.0}},
            HOSTILE: {"count": 7, "waiting": {"mean": 0.0, "p90": 0.0},
                      "processing": {"mean": 30.0}},
        },
        "resources": {"clerk": {"utilization": 0.625, "cost": 12345.5},
                      f"{HOSTILE}role": {"utilization": 0.95, "cost": 10.0}},
        "elements": {"pi_register": {"count": 120}, "pi_assess": {"count": 100},
                     "pi_pay": {"count": 60}, "pi_chase": {"count": 0},
                     "not_in_the_model": {"count": 3}},
        "outcomes": {"approved": 60, HOSTILE: 40},
    }  # fmt: skip


def extras() -> dict:
    return {
        "histograms": {
            "cycle_time": [[0, 3600, 20], [3600, 7200, 55], [7200, 10800, 30]],
            "waiting": {"Assess damage": [[0, 600, 70], [600, 1200, 20], [1200, 1800, 10]]},
        },
        "paths": [
            [["Register claim", "Assess damage", "Pay out"], 60],
            [["Register claim", HOSTILE], 40],
            [["Register claim"], 5],
        ],
        "replications": 1,
        "seed": 7,
        "spec": {"model": "claim.cmmn", "cases": 120, "note": HOSTILE},
    }


def chart(page: str) -> str:
    return re.search(r'<svg class="chart".*?</svg>', page, re.S).group(0)


def heat_ids(page: str) -> list[str]:
    return re.findall(r'class="heat" data-element="([^"]+)"', page)


def assert_self_contained(page: str) -> None:
    lowered = page.lower()
    for banned in ('src="http', 'href="http', "<script", "url(http", "@import", "<link"):
        assert banned not in lowered


def test_the_report_is_one_self_contained_page_with_escaped_user_text():
    page = render_report(result(), extras(), CLAIM, f"Claims {HOSTILE}")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert_self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE not in page
    for heading in ("Summary", "Cycle time distribution", "Waiting per activity",
                    "Utilization per role", "Paths", "Outcomes", "Heat map"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page


def test_kpis_are_shown_in_human_units():
    page = render_report(result(), extras(), None, "Claims")
    values = re.findall(r'<div class="kpi-value">([^<]*)</div>', page)
    assert values == ["120", "100", "5", "15", "1.5 h", "3 d", "2 h", "2.5 h", "45 s"]
    assert "83.3 % of arrivals" in page
    assert "62.5 %" in page and "12,346" in page  # utilization and cost of the clerk


def test_histogram_bars_add_up_to_the_counts():
    page = render_report(result(), extras(), None, "Claims")
    bars = [float(n) for n in re.findall(r'class="bar" data-count="([\d.]+)"', chart(page))]
    assert bars == [20, 55, 30]
    assert "p90" in chart(page)  # the percentile markers inside the range are drawn


def test_paths_are_listed_most_frequent_first_with_shares():
    page = render_report(result(), extras(), None, "Claims")
    paths = page.split("<h2>Paths</h2>")[1].split("</section>")[0]
    assert paths.index("Pay out") < paths.index("&lt;script&gt;")
    assert "57.1 %" in paths  # 60 of the 105 cases that ended


def test_the_heat_map_overlays_each_counted_element_of_a_cmmn_diagram():
    page = render_report(result(), extras(), CLAIM, "Claims")
    assert sorted(heat_ids(page)) == ["pi_assess", "pi_pay", "pi_register"]
    assert "Counted but not in the diagram: not_in_the_model" in page
    colors = dict(re.findall(r'data-element="(\w+)" data-count="[\d.]+" [^>]*?fill="(#\w+)"', page))
    assert colors["pi_register"] != colors["pi_pay"]  # deeper for the larger count


def test_the_heat_map_colors_bpmn_shapes_and_flows(tmp_path):
    model = tmp_path / "review.bpmn"
    model.write_text(BPMN)
    counted = {"cases": {"arrived": 4}, "elements": {"start": {"count": 4}, "review": {"count": 4},
                                                     "f1": {"count": 4}}}  # fmt: skip
    page = render_report(counted, {}, model, "Review")
    assert sorted(heat_ids(page)) == ["review", "start"]
    assert re.search(r'class="heat-flow" data-element="f1"', page)
    assert_self_contained(page)


def test_the_report_works_without_a_model_or_extras():
    page = render_report(result(), {}, None, "Claims")
    assert "No model was given" in page
    assert "The result has no cycle-time histogram" in page
    assert "<h2>Paths</h2>" not in page


def test_a_model_without_diagram_that_cannot_be_laid_out_is_explained(tmp_path, monkeypatch):
    def no_graphviz(model):
        raise LayoutError("Graphviz `dot` was not found")

    monkeypatch.setattr("studio.editor.layout.layout_model", no_graphviz)
    model = tmp_path / "bare.bpmn"
    model.write_text(re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", BPMN, flags=re.S))
    page = render_report({"elements": {"review": {"count": 1}}}, {}, model, "Bare")
    assert "has no diagram and could not be laid out" in page and not heat_ids(page)


def test_replicated_means_show_their_confidence_interval():
    replicated = result()
    replicated["cycle_time"]["ci95"] = 600.0
    page = render_report(replicated, {**extras(), "replications": 5}, None, "Claims")
    assert "± 10 min (95 % CI)" in page and "means over the replications" in page


def test_the_same_input_gives_the_same_page():
    first = render_report(result(), extras(), CLAIM, "Claims")
    assert render_report(result(), extras(), CLAIM, "Claims") == first


# -- comparison -----------------------------------------------------------------------------------


def test_comparison_json_subtracts_every_number():
    a, b = result(5400.0), result(4500.0)
    b["cases"]["completed"] = 110
    b["outcomes"] = {"approved": 70}
    difference = comparison_json(a, b)["difference"]
    assert difference["cycle_time"]["mean"] == -900.0
    assert difference["cases"]["completed"] == 10 and isinstance(
        difference["cases"]["arrived"], int
    )
    assert difference["outcomes"] == {"approved": 10, HOSTILE: -40}
    assert comparison_json(a, b)["a"] is a


def test_comparison_text_shows_both_values_the_difference_and_the_change():
    a, b = result(5400.0), result(4320.0)
    b["resources"]["clerk"]["utilization"] = 0.5
    text = render_comparison_text(a, b, "today", "two clerks")
    header, rule, *rows = text.splitlines()
    assert "today" in header and "two clerks" in header and set(rule) <= {"-", " "}
    mean = next(r for r in rows if r.startswith("Cycle time mean"))
    assert "1.5 h" in mean and "1.2 h" in mean
    assert mean.endswith("\u221218 min  \u221220.0 %")
    clerk = next(r for r in rows if r.startswith("Utilization clerk"))
    assert "\u221212.5 pp" in clerk and "\u221220.0 %" in clerk


def test_comparison_change_from_zero_is_not_a_percentage():
    a, b = result(), result()
    a["cases"]["terminated"], b["cases"]["terminated"] = 0, 3
    row = next(r for r in render_comparison_text(a, b, "a", "b").splitlines() if "terminated" in r)
    assert row.split()[-2:] == ["+3", "n/a"]


def test_comparison_page_holds_both_reports(tmp_path):
    page = render_comparison_html(result(5400.0), extras(), result(4500.0), extras(),
                                  "today", HOSTILE, model_a=CLAIM, model_b=CLAIM)  # fmt: skip
    assert_self_contained(page)
    assert HOSTILE not in page
    assert page.count("<h2>Heat map</h2>") == 2
    assert '<td class="num down">\u221215 min</td>' in page


@pytest.mark.parametrize("seconds,text", [(0, "0 s"), (42, "42 s"), (90, "1.5 min"),
                                          (7200, "2 h"), (200_000, "2.3 d")])  # fmt: skip
def test_durations_read_in_human_units(seconds, text):
    from studio.simulation.report_html import fmt_duration

    assert fmt_duration(seconds) == text
