"""The worklist read from the active item rows lists exactly what loading every case listed."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from studio.host.cases import Actor
from tests.web.conftest import admin, zipped

SAMPLES = Path(__file__).resolve().parents[2] / "sample_models"


def start_sample_cases(client) -> int:
    """Deploy the sample library and start a case per scenario with its data; how many."""
    headers = admin(client)
    started = 0
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        upload = {"file": (io.BytesIO(zipped(folder, f"{folder.name}/")), "s.zip")}
        done = client.post(f"/api/v1/deployments?key={folder.name}", data=upload, headers=headers)
        assert done.status_code == 201, done.get_json()
        for scenario in sorted(folder.glob("*.scenario.json")):
            document = json.loads(scenario.read_text())
            case = document.get("case") or re.search(
                r'<case id="([^"]+)"', (folder / document["model"]).read_text()
            ).group(1)
            body = {"case": case, "data": document.get("data", {})}
            answer = client.post("/api/v1/cases", json=body, headers=headers)
            assert answer.status_code == 201, answer.get_json()
            started += 1
    return started


def listed(tasks) -> list[dict]:
    return sorted((t.as_json() for t in tasks), key=lambda t: t["id"])


def test_indexed_worklist_equals_loading_every_case(client, app) -> None:
    assert start_sample_cases(client) >= 20
    worklist = app.extensions["studio"].worklist
    assigned = worklist._assignments()
    everything = worklist.tasks(Actor("admin"), everything=True)
    slow = worklist._tasks_loading_each_case(Actor("admin"), True, assigned)
    assert len(everything) >= 20
    assert listed(everything) == listed(slow)
    assert any(t.owner != t.case for t in everything), "tasks of started processes are listed"
    roles = {t.role for t in everything} - {None}
    assert roles, "the samples have tasks of case roles"
    bound = next(t for t in everything if t.role is not None and t.owner == t.case)
    bind = {"bind": "@case", "data": {"role": bound.role, "members": ["carl"]}}
    answer = client.post(f"/api/v1/cases/{bound.case}/actions", json=bind, headers=admin(client))
    assert answer.status_code == 200, answer.get_json()
    assert bound.id in [t.id for t in worklist.tasks(Actor("carl"))]
    assert bound.id not in [t.id for t in worklist.tasks(Actor("cora", frozenset(roles)))]
    for actor in (Actor("carl"), *(Actor("cora", frozenset({role})) for role in roles)):
        fast = worklist.tasks(actor)
        assert listed(fast) == listed(worklist._tasks_loading_each_case(actor, False, assigned))
        assert len(fast) < len(everything)
    due = [t.due for t in everything]
    assert due == sorted(due, key=lambda d: (d is None, d.timestamp() if d else 0.0))
