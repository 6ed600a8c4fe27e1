"""Graphviz layout of CMMN models: fresh CMMNDI, one diagram per case, semantics untouched."""

from __future__ import annotations

import dataclasses
import math

from studio.editor.layout.cmmn_graph import CaseGraph, EdgePlan, build_graph, header_height
from studio.editor.layout.cmmn_scene import CaseScene, SceneCriterion, SceneShape, build_scene
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
from studio.editor.layout.graph import Placement, placement, to_dot
from studio.editor.layout.runner import GraphvizRunner
from studio.notation.binding import iter_elements
from studio.notation.cmmn import CmmnIndex
from studio.notation.cmmn_di import CmmnDI, CmmnDiagram, CmmnEdge, CmmnLabel, CmmnShape
from studio.notation.cmmn_model import CmmnDefinitions
from studio.notation.dc import Bounds, Dimension
from studio.notation.dc import Point as DiPoint

MARGIN = 20
FILE_GAP = 40  # between the plan and the row of case file items under it


def layout_cmmn(model: CmmnDefinitions, runner: GraphvizRunner) -> CmmnDefinitions:
    """`model` with new CMMNDI: one laid-out diagram per case that has a case plan model."""
    index = CmmnIndex(model)
    ids = _Ids(model)
    diagrams = []
    for case in model.cases:
        scene = build_scene(case, index)
        if scene is None:
            continue
        built = build_graph(scene)
        answer = runner.run(to_dot(built.graph).source)
        drawing = _Drawing(built, placement(built.graph, answer))
        diagrams.append(drawing.diagram(ids))
    return dataclasses.replace(model, cmmndi=CmmnDI(diagrams=tuple(diagrams)) if diagrams else None)


class _Ids:
    """Deterministic, unique DI ids: `<element id>_di`, numbered on a clash."""

    def __init__(self, model: CmmnDefinitions) -> None:
        self.taken = {
            ident
            for element in iter_elements(dataclasses.replace(model, cmmndi=None))
            if isinstance(ident := getattr(element, "id", None), str)
        }

    def make(self, base: str) -> str:
        return self.plain(f"{base}_di")

    def plain(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{wanted}_{n}"
        self.taken.add(candidate)
        return candidate


class _Drawing:
    """Geometry of one case diagram, in whole pixels."""

    def __init__(self, built: CaseGraph, place: Placement) -> None:
        self.built = built
        self.scene: CaseScene = built.scene
        self.place = place
        self.rects: dict[str, Rect] = {}
        self.centers: dict[str, Point] = {}
        self.routes: list[tuple[EdgePlan, list[Point]]] = []
        self.raw: dict[int, list[Point]] = {}
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
            for x, criteria in ((rect.x, shape.entry), (rect.right, shape.exit)):
                ys = port_centers(rect.y, round(rect.height), len(criteria)) if criteria else []
                for criterion, y in zip(criteria, ys, strict=True):
                    self.centers[criterion.id] = (x, y)
        taken = [_diamond(c) for c in self.centers.values()]
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
                    y = _clear(x, y, low, high, taken)
                    self.centers[criterion.id] = (x, y)
                    taken.append(_diamond((x, y)))

    def _border_range(self, shape: SceneShape, rect: Rect) -> tuple[float, float]:
        low = rect.y + header_height(shape) + CRITERION[1] / 2 + 4
        return low, max(low, rect.bottom - CRITERION[1] / 2 - 4)

    def _wanted(self, criterion: SceneCriterion) -> float | None:
        """Where the connectors of a stage's criterion meet its border."""
        for plan in self.built.plans:
            if plan.connector.target is not criterion:
                continue
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
        end = self.vertex(target, outer=True)
        points = _approach(raw, end, self.rects[target.owner.id], from_left=target.entry)
        if c.source_criterion is not None:
            start = self.vertex(c.source_criterion, outer=True)
            owner = self.rects[c.source_criterion.owner.id]
            points = _approach(points[::-1], start, owner, from_left=False)[::-1]
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
            return _loop(rect, target.entry, self.vertex(target, outer=True))
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

    # -- DI -------------------------------------------------------------------------------------

    def diagram(self, ids: _Ids) -> CmmnDiagram:
        case = self.scene.case
        elements: list[CmmnShape | CmmnEdge] = []
        shapes = [*self.scene.root.walk(), *self.scene.case_file_items]
        for shape in shapes:
            elements.append(self._shape(shape, ids))
            for criterion in (*shape.entry, *shape.exit):
                x, y = self.centers[criterion.id]
                w, h = CRITERION
                elements.append(
                    CmmnShape(
                        id=ids.make(criterion.id),
                        cmmn_element_ref=criterion.id,
                        bounds=Bounds(x=x - w / 2, y=y - h / 2, width=w, height=h),
                    )
                )
        seen: set[str] = set()
        for plan, points in self.routes:
            c = plan.connector
            base = c.on_part_id if c.on_part_id not in seen else f"{c.on_part_id}_{c.target.id}"
            seen.add(c.on_part_id)
            source = c.source_criterion.id if c.source_criterion else c.source.id
            elements.append(
                CmmnEdge(
                    id=ids.make(base),
                    cmmn_element_ref=c.on_part_id,
                    source_cmmn_element_ref=source,
                    target_cmmn_element_ref=c.target.id,
                    waypoints=tuple(DiPoint(x=x, y=y) for x, y in points),
                )
            )
        right = max(self._extent(e)[0] for e in elements) + MARGIN
        bottom = max(self._extent(e)[1] for e in elements) + MARGIN
        base_id = case.id or self.scene.root.id
        return CmmnDiagram(
            id=ids.plain(f"CMMNDiagram_{base_id}"),
            name=case.name or self.scene.root.name or None,
            size=Dimension(width=right, height=bottom),
            elements=tuple(elements),
        )

    def _shape(self, shape: SceneShape, ids: _Ids) -> CmmnShape:
        rect = self.rects[shape.id]
        bounds = Bounds(x=rect.x, y=rect.y, width=rect.width, height=rect.height)
        label = None
        if shape.kind == "casePlanModel":
            width = self.built.clusters[shape.id].header_width
            label = Bounds(x=rect.x, y=rect.y - PLAN_TAB, width=width, height=PLAN_TAB)
        elif shape.is_container or shape.kind in ("stage", "planFragment"):
            label = Bounds(x=rect.x + 8, y=rect.y + 4, width=rect.width - 16, height=16)
        else:
            label_width, label_height = label_below(shape)
            if label_height:
                cx = rect.x + rect.width / 2
                left = math.floor(cx - label_width / 2)
                label = Bounds(x=left, y=rect.bottom + 2, width=label_width, height=label_height)
        container = shape.kind in ("casePlanModel", "stage", "planFragment")
        return CmmnShape(
            id=ids.make(shape.id),
            cmmn_element_ref=shape.id,
            is_collapsed=(shape.collapsed if container and shape.kind != "casePlanModel" else None),
            is_planning_table_collapsed=(False if shape.has_planning_table else None),
            bounds=bounds,
            label=CmmnLabel(bounds=label) if label else None,
        )

    @staticmethod
    def _extent(element: CmmnShape | CmmnEdge) -> tuple[float, float]:
        if isinstance(element, CmmnEdge):
            return max(p.x for p in element.waypoints), max(p.y for p in element.waypoints)
        b = element.bounds
        right, bottom = b.x + b.width, b.y + b.height
        if element.label and element.label.bounds:
            lb = element.label.bounds
            right, bottom = max(right, lb.x + lb.width), max(bottom, lb.y + lb.height)
        return right, bottom


def _approach(points: list[Point], end: Point, rect: Rect, *, from_left: bool) -> list[Point]:
    """The route with its end brought to `end`, a criterion's corner on the side of `rect`.

    Points at the item (or where it was clipped) are dropped; a route that arrives from the
    wrong side goes round the item's top or bottom and comes in from outside.
    """
    zone = Rect(rect.x - 12, rect.y, rect.width + 24, rect.height)
    keep = list(points)
    while len(keep) > 1 and zone.x < keep[-1][0] < zone.right and zone.y < keep[-1][1] < zone.bottom:
        keep.pop()
    last = keep[-1]
    outward = -1 if from_left else 1
    if (last[0] - end[0]) * outward >= 2:
        return [*keep, end]
    side = end[0] + outward * 16
    if last[1] < rect.center[1]:
        y = min(last[1], rect.y - 16)
    else:
        y = max(last[1], rect.bottom + 16)
    return [*keep, (last[0], y), (side, y), (side, end[1]), end]


def _loop(rect: Rect, entry: bool, end: Point) -> list[Point]:
    """A connector from an item to its own criterion: up, over and into the diamond."""
    cx, top = rect.center[0], rect.y
    side = end[0] - 10 if entry else end[0] + 10
    return [(cx, top), (cx, top - 24), (side, top - 24), (side, end[1]), end]


def _diamond(center: Point) -> Rect:
    """A criterion's rectangle with some room around it."""
    w, h = CRITERION
    return Rect(center[0] - w / 2 - 3, center[1] - h / 2 - 3, w + 6, h + 6)


def _clear(x: float, y: float, low: float, high: float, taken: list[Rect]) -> float:
    """The height nearest `y` in [low, high] where a criterion at x overlaps none taken."""
    for step in range(0, 200):
        for candidate in (y + 4 * step, y - 4 * step) if step else (y,):
            if low <= candidate <= high and not any(
                _diamond((x, candidate)).overlaps(r) for r in taken
            ):
                return candidate
    return y
