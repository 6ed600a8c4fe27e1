"""How scenario steps name items: plan item id, plan item name, definition id, definition name.

Levels are tried in order (the case's own items, then those of the processes and sub-cases it
started, and so on); within a level the four fields are tried in that order. The first level and
field with a match wins; two different plan items matching there make the name ambiguous (the
same item of a process or sub-case started several times is one item with several instances). A name
matching no current instance is absent (expectations) or refused (actions); a name the model does
not know at all is unusable, when the driver can say which names it knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studio.testing.driver import ItemView, UnusableScenario
from studio.testing.scenario_file import Scenario

FIELDS = ("plan_item_id", "name", "definition_id", "definition_name")


@dataclass(frozen=True, slots=True)
class Target:
    """A plan item (not an instance): `key` is what `CaseDriver.perform` aims at. The same item
    of a process or sub-case started several times (a repeated process task) has one key per
    started instance: `keys`, oldest first."""

    key: str
    level: int
    keys: tuple[str, ...] = ()

    @property
    def all_keys(self) -> tuple[str, ...]:
        return self.keys or (self.key,)

    def instances(self, items: Iterable[ItemView]) -> list[ItemView]:
        """Its instances among `items`, oldest first."""
        keys = set(self.all_keys)
        found = [i for i in items if i.key in keys and i.level == self.level]
        return sorted(found, key=lambda item: item.created)


def resolve(name: str, items: Iterable[ItemView]) -> Target | None:
    """The plan item `name` designates among `items`, None when nothing matches.

    Raises UnusableScenario when two plan items match at the winning level and field.
    """
    by_level: dict[int, list[ItemView]] = {}
    for item in items:
        by_level.setdefault(item.level, []).append(item)
    for level in sorted(by_level):
        for field in FIELDS:
            matches: dict[str, ItemView] = {}
            for item in sorted(by_level[level], key=lambda i: i.created):
                if getattr(item, field) == name:
                    matches.setdefault(item.key, item)
            if len(matches) > 1 and _one_item(matches.values()):
                keys = tuple(matches)  # oldest started instance first
                return Target(keys[0], level, keys)
            if len(matches) > 1:
                first, second = (matches[key] for key in sorted(matches)[:2])
                raise UnusableScenario(
                    f'ambiguous item name "{name}": matches {_shown(first)} and {_shown(second)}'
                )
            if matches:
                return Target(next(iter(matches)), level)
    return None


def _one_item(views: Iterable[ItemView]) -> bool:
    """Whether matches in several started instances are the same item of the same definition
    (then an action aims at the oldest instance that accepts it)."""
    signatures = {(v.plan_item_id, v.name, v.definition_id, v.definition_name) for v in views}
    return len(signatures) == 1


def check_known(scenario: Scenario, known: set[str]) -> None:
    """Refuse (UnusableScenario) a scenario naming an item that is nowhere in the model."""
    for name, step in scenario.item_names().items():
        if name not in known:
            raise UnusableScenario(f'step {step}: unknown item "{name}"')


def _shown(item: ItemView) -> str:
    label = f'"{item.plan_item_id}"'
    return f"{label} ({item.name})" if item.name and item.name != item.plan_item_id else label
