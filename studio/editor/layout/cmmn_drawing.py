"""Geometry of a laid-out CMMN case diagram: shapes, criteria on borders, connector routes."""

from __future__ import annotations

import math

from studio.editor.layout.cmmn_graph import CaseGraph, EdgePlan, header_height
from studio.editor.layout.cmmn_scene import CaseScene, SceneCriterion, SceneShape
from studio.editor.layout.cmmn_sizes import (
    CRITERION,
    CRITERION_SPACING,
    LABEL_WIDTH,
    LISTENER_KINDS,
    PLAN_TAB,
    label_below,
    shape_size,
)
from studio.editor.layout.geometry import Point, Rect, dedupe, port_centers, simplify, spread
from studio.editor.layout.graph import Placement
from studio.editor.layout.routing import approach, free_height, loop, marker_rect

MARGIN = 20
FILE_GAP = 40  # between the plan and the row of case file items under it


class CaseDrawing:
    """Geometry of one case diagram, in whole pixels."""

    def __init__(self, built: CaseGraph, place: Placement) -> None:
        self.built = built
        self.scene: CaseScene = built.scene
        self.place = place
        self.rects: dict[str, Rect] = {}
        self.centers: dict[str, Point] = {}
        self.routes: list[tuple[EdgePlan, list[Point]]] = []
        self.raw: dict[int, list[Point]] = {}
        self.plans_to: dict[str, list[EdgePlan]] = {}
        for plan in built.plans:
            self.plans_to.setdefault(plan.connector.target.id, []).append(plan)
        self._shapes()
        self._raw_routes()
        self._criteria()
        self._routes()
        self._translate()
        self._case_file_row()

    # -- shapes and criteria ------------------------------------------------------------------

    def _shapes(self) -> None:
        for shape_id, cluster in self.built.clusters.items():
            r = self.place.clusters[cluster.name]
            x0, y0, x1, y1 = round(r.x), round(r.y), round(r.right), round(r.bottom)
            self.rects[shape_id] = Rect(x0, y0, x1 - x0, y1 - y0)
        for shape_id, node in self.built.nodes.items():
            box = self.place.nodes[node.name]
            shape = node.shape_rect(box)
            self.rects[shape_id] = Rect(round(shape.x), round(shape.y), node.width, node.height)

    def _criteria(self) -> None:
        """Criteria of items at their ports; those of stages (inner first) clear of the rest."""
        shapes = list(self.scene.root.walk())
        for shape in shapes:
            if shape.is_container:
                continue
            rect = self.rects[shape.id]
            entry, exit = self.built.sides(shape)
            for x, criteria in ((rect.x, entry), (rect.right, exit)):
                ys = port_centers(rect.y, round(rect.height), len(criteria)) if criteria else []
                for criterion, y in zip(criteria, ys, strict=True):
                    self.centers[criterion.id] = (x, y)
        taken = [marker_rect(c, CRITERION) for c in self.centers.values()]
        for shape in reversed(shapes):
            if not shape.is_container:
                continue
            rect = self.rects[shape.id]
            low, high = self._border_range(shape, rect)
            for x, criteria in ((rect.x, shape.entry), (rect.right, shape.exit)):
                if not criteria:
                    continue
                for criterion, y in zip(
                    criteria, self._border_slots(shape, rect, criteria), strict=True
                ):
                    y = free_height(x, y, low, high, CRITERION, taken)
                    self.centers[criterion.id] = (x, y)
                    taken.append(marker_rect((x, y), CRITERION))

    def _border_range(self, shape: SceneShape, rect: Rect) -> tuple[float, float]:
        low = rect.y + header_height(shape) + CRITERION[1] / 2 + 4
        return low, max(low, rect.bottom - CRITERION[1] / 2 - 4)

    def _wanted(self, criterion: SceneCriterion) -> float | None:
        """Where the connectors of a stage's criterion meet its border."""
        for plan in self.plans_to.get(criterion.id, ()):
            raw = self.raw.get(id(plan))
            if raw:
                return raw[-1][1]
            source = plan.connector.source
            if criterion.owner.contains(source):
                return self.rects[source.id].center[1]
        return None

    def _border_slots(
        self, shape: SceneShape, rect: Rect, criteria: list[SceneCriterion]
    ) -> list[float]:
        low, high = self._border_range(shape, rect)
        n = len(criteria)
        wanted: list[tuple[float, int]] = []
        for i, criterion in enumerate(criteria):
            y = self._wanted(criterion)
            wanted.append((low + (high - low) * (i + 1) / (n + 1) if y is None else y, i))
        wanted.sort()
        placed = spread([w for w, _ in wanted], low, high, CRITERION_SPACING + 4)
        ys = [0.0] * n
        for (_, i), y in zip(wanted, placed, strict=True):
            ys[i] = round(y)
        return ys

    def vertex(self, criterion: SceneCriterion, *, outer: bool) -> Point:
        """The diamond's corner facing away from (outer) or into (inner) its item."""
        x, y = self.centers[criterion.id]
        half = CRITERION[0] / 2
        sign = -1 if criterion.entry else 1
        return x + (sign if outer else -sign) * half, y

    # -- connectors ---------------------------------------------------------------------------

    def _raw_routes(self) -> None:
        """Dot's polylines, turned to run from the source to the criterion."""
        for plan in self.built.plans:
            points = self.place.edges.get(plan.edge or "")
            if points:
                self.raw[id(plan)] = points[::-1] if plan.reversed else list(points)

    def _routes(self) -> None:
        for plan in self.built.plans:
            points = self._route(plan)
            points = dedupe([(round(x), round(y)) for x, y in simplify(points, 2.5)])
            if len(points) == 1:
                points.append(points[0])
            self.routes.append((plan, points))

    def _route(self, plan: EdgePlan) -> list[Point]:
        c = plan.connector
        target, source = c.target, c.source
        raw = self.raw.get(id(plan))
        if raw is None:
            return self._drawn_after(plan)
        if plan.via is not None:  # to a point inside the stage, then to the criterion
            points = [*raw, self.vertex(target, outer=False)]
        else:
            end = self.vertex(target, outer=True)
            points = approach(raw, end, self.rects[target.owner.id], from_left=target.entry)
        if c.source_criterion is not None:
            start = self.vertex(c.source_criterion, outer=True)
            owner = self.rects[c.source_criterion.owner.id]
            points = approach(points[::-1], start, owner, from_left=False)[::-1]
        elif source.kind in LISTENER_KINDS or source.kind == "caseFileItem":
            ellipse = source.kind in LISTENER_KINDS
            points[0] = self.rects[source.id].boundary_point(points[1], ellipse=ellipse)
        return points

    def _drawn_after(self, plan: EdgePlan) -> list[Point]:
        """Connectors dot did not route: loops, and links between a stage and its inside."""
        c = plan.connector
        source, target = c.source, c.target
        rect = self.rects[source.id]
        if source is target.owner and c.source_criterion is None:
            return loop(rect, self.vertex(target, outer=True), from_left=target.entry)
        if target.owner.contains(source):  # to the border of the stage around the source
            end = self.vertex(target, outer=False)
            toward = 1 if end[0] > rect.center[0] else -1
            if c.source_criterion is not None:
                start = self.vertex(c.source_criterion, outer=True)
            else:
                start = (rect.center[0] + toward * rect.width / 2, rect.center[1])
            if abs(start[1] - end[1]) < 1:
                return [start, end]
            bend = end[0] - toward * CRITERION[0]
            return [start, (bend, start[1]), (bend, end[1]), end]
        end = self.vertex(target, outer=True)
        if c.source_criterion is not None:
            return [self.vertex(c.source_criterion, outer=True), end]
        if source.contains(target.owner):  # from the border of the stage around the target
            return [(rect.x if end[0] < rect.center[0] else rect.right, end[1]), end]
        return [rect.boundary_point(end, ellipse=source.kind in LISTENER_KINDS), end]

    # -- placing the drawing -------------------------------------------------------------------

    def _translate(self) -> None:
        plan = self.rects[self.scene.root.id]
        xs = [r.x for r in self.rects.values()] + [x for x, _ in self.centers.values()]
        ys = [r.y for r in self.rects.values()]
        for _, points in self.routes:
            xs.extend(x for x, _ in points)
            ys.extend(y for _, y in points)
        dx = MARGIN + CRITERION[0] - min(xs)
        dy = max(MARGIN + PLAN_TAB - plan.y, MARGIN - min(ys))
        dx, dy = math.ceil(dx), math.ceil(dy)
        self.rects = {k: r.translate(dx, dy) for k, r in self.rects.items()}
        self.centers = {k: (x + dx, y + dy) for k, (x, y) in self.centers.items()}
        self.routes = [(p, [(x + dx, y + dy) for x, y in pts]) for p, pts in self.routes]

    def _case_file_row(self) -> None:
        """The case file items no on-part listens to, in rows under the plan."""
        plan = self.rects[self.scene.root.id]
        x, y = plan.x, plan.bottom + FILE_GAP
        row_height = 0
        for shape in self.scene.case_file_items:
            width, height = shape_size(shape)
            label_width, label_height = label_below(shape)
            cell = max(width, label_width, LABEL_WIDTH)
            if x + cell > max(plan.right, plan.x + 6 * cell) and x > plan.x:
                x, y = plan.x, y + row_height + 20
                row_height = 0
            self.rects[shape.id] = Rect(x + (cell - width) // 2, y, width, height)
            x += cell + 20
            row_height = max(row_height, height + label_height)
