"""`LayeredMap`: a dict that copies in time independent of its size, for the state's big maps.

A command runs on a copy of the case state. Copying a plain dict of 1,000 item instances costs
as much as the rest of the command, so the big maps are layered: a base mapping that is never
changed once made, shared by every copy, and this map's own changes on top. `copy` shares the
base and copies only the changes. When the changes outgrow the square root of the base, `copy`
flattens both into a new base: a command that changes k entries then costs O(k + sqrt(n)) on
average, not O(n). Iteration order is a dict's: the base's order, changed entries keeping
their place, new keys last.

A map may also copy the base's values on first read (`clone`): a store hands out a case that
way, so a caller never holds an object the store keeps, while a command still costs what it
touches.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_ABSENT: Any = object()
_new = object.__new__


class LayeredMap(MutableMapping[K, V]):
    """A mapping of a shared, never-changed base and this map's own changes."""

    __slots__ = ("_added", "_base", "_changes", "_clone")

    def __init__(
        self, base: Mapping[K, V] | None = None, clone: Callable[[V], V] | None = None
    ) -> None:
        """`base` is taken over, not copied: nothing may change it afterwards. With `clone`,
        a value of the base is read as a clone of it (made once, then kept in the changes)."""
        self._base: Mapping[K, V] = {} if base is None else base
        self._changes: dict[K, V] = {}
        self._added = 0  # keys in the changes that the base lacks
        self._clone = clone

    def copy(self) -> LayeredMap[K, V]:
        """An independent copy sharing this map's base (or a new flat base, see the module)."""
        changes, clone = self._changes, self._clone
        copied: LayeredMap[K, V] = _new(LayeredMap)  # no __init__: a copy is made per command
        if clone is None and len(changes) * len(changes) > len(self._base):
            copied._base, copied._changes, copied._added = {**self._base, **changes}, {}, 0
        else:
            copied._base, copied._changes, copied._added = self._base, changes.copy(), self._added
        copied._clone = clone
        return copied

    def __getitem__(self, key: K) -> V:
        changes = self._changes
        if key in changes:
            return changes[key]
        if self._clone is None:
            return self._base[key]
        value = changes[key] = self._clone(self._base[key])
        return value

    def get(self, key: K, default: Any = None) -> Any:
        value = self._changes.get(key, _ABSENT)
        if value is _ABSENT:
            if key not in self._base:
                return default
            return self[key]
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._changes or key in self._base

    def __setitem__(self, key: K, value: V) -> None:
        changes = self._changes
        if key not in changes and key not in self._base:
            self._added += 1
        changes[key] = value

    def __delitem__(self, key: K) -> None:
        flat = dict(self._flat())  # a copy: the base is shared, never changed
        del flat[key]
        self._base, self._changes, self._added, self._clone = flat, {}, 0, None

    def __len__(self) -> int:
        return len(self._base) + self._added

    def __iter__(self) -> Iterator[K]:
        return iter(self._flat())

    def keys(self) -> KeysView[K]:
        return self._flat().keys()

    def values(self) -> ValuesView[V]:
        return self._flat().values()

    def items(self) -> ItemsView[K, V]:
        return self._flat().items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LayeredMap):
            return self._flat() == other._flat()
        return self._flat() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LayeredMap({self._flat()!r})"

    def _flat(self) -> Mapping[K, V]:
        """All entries in one mapping (a new dict when there are changes: the base and the
        changes stay as they were, so copies that share a base may be read from several
        threads; a map that clones on read keeps its clones, and belongs to one caller)."""
        changes, clone = self._changes, self._clone
        if clone is not None:
            for key, value in self._base.items():
                if key not in changes:
                    changes[key] = clone(value)  # read once: later reads give the same clone
            return {**{key: changes[key] for key in self._base}, **changes}
        return {**self._base, **changes} if changes else self._base


def changed_keys(before: Mapping[K, V], after: Mapping[K, V]) -> list[K] | None:
    """The keys whose value in `after` is not the very object `before` holds (new keys
    included), or None when `after` lacks a key of `before`. When `after` is layered on
    `before`, or both on one base, it reads only their changes."""
    if isinstance(after, LayeredMap) and after._base is before:
        candidates: Any = after._changes.keys()
    elif (
        isinstance(before, LayeredMap)
        and isinstance(after, LayeredMap)
        and before._base is after._base
        and before._clone is after._clone is None
    ):
        candidates = before._changes.keys() | after._changes.keys()
    else:
        candidates = after.keys()
        if len(before.keys() - candidates):
            return None
    found = [key for key in candidates if key not in after or after[key] is not before.get(key)]
    if any(key not in after for key in found):
        return None
    return found
