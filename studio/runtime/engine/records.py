"""Quick construction of the frozen records a compiled definition is made of.

A frozen dataclass's generated `__init__` stores each field through `object.__setattr__`, which
costs about as much as everything else compiling a plan item does: a definition holds thousands of
such records. `quick_init` gives a frozen, slotted dataclass an `__init__` with the very same
signature that fills the slots straight through their descriptors.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

C = TypeVar("C", bound=type)


def quick_init(cls: C) -> C:
    """Replace the `__init__` of a frozen, slotted dataclass without `__post_init__` or default
    factories by one that takes the same arguments and sets the slots directly."""
    fields = dataclasses.fields(cls)
    if (
        "__slots__" not in cls.__dict__
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.default_factory is not dataclasses.MISSING for f in fields)
    ):
        raise TypeError(f"{cls.__name__} is not a plain frozen, slotted dataclass")
    namespace: dict[str, Any] = {}
    positional: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    for number, f in enumerate(fields):
        parameter = f.name
        if f.default is not dataclasses.MISSING:
            namespace[f"default{number}"] = f.default
            parameter = f"{f.name}=default{number}"
        (keyword_only if f.kw_only else positional).append(parameter)
        namespace[f"set{number}"] = cls.__dict__[f.name].__set__
        body.append(f"    set{number}(self, {f.name})")
    parameters = ["self", *positional, *(["*", *keyword_only] if keyword_only else [])]
    source = "\n".join([f"def __init__({', '.join(parameters)}):", *body, "    return None"])
    exec(source, namespace)  # names and defaults come from the class, never from input
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return cls
