"""Declarative XML binding for the typed, immutable notation models.

Model classes are frozen dataclasses whose fields say how they map to XML:

    @element(qualified(CMMN, "humanTask"))
    @dataclass(frozen=True, kw_only=True, slots=True)
    class HumanTask(Task):
        is_blocking: bool = attr("isBlocking", BOOL, default=True)
        planning_table: PlanningTable | None = child(qualified(CMMN, "planningTable"))

Field order is schema order: a subclass's fields follow its base's, as an XSD extension's sequence
follows its base's. One generic reader and one generic writer serve every class, so reading then
writing is lossless: attributes and child elements the model does not know (vendor extensions,
comments) are kept on the element (`extra_attributes`, `unknown`) and written back where they were
met, relative to the known children.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lxml import etree

from studio.messages import text as message
from studio.notation.errors import NotationError
from studio.notation.namespaces import PREFERRED_PREFIXES

T = TypeVar("T")

COMMENT = "#comment"


# -- converters ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Converter:
    """Turns an attribute's text into a Python value and back."""

    name: str
    parse: Callable[[str], Any]
    format: Callable[[Any], str]


def _parse_bool(text: str) -> bool:
    value = text.strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValueError(message("expected true or false, found {value}", value=repr(text)))


def _reason(exc: ValueError) -> str:
    """Why a converter refused a value: its own words when it gave a message, else Python's."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) and len(exc.args) == 1 else str(exc)


def _format_number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


STR = Converter("string", str, str)
BOOL = Converter("boolean", _parse_bool, lambda v: "true" if v else "false")
INT = Converter("integer", int, str)  # int() and float() ignore surrounding blanks
FLOAT = Converter("number", float, _format_number)


# -- field declarations -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Binding:
    """How one dataclass field maps to XML."""

    kind: str  # "attr" | "text" | "child" | "children" | "text_child" | "text_children"
    names: tuple[str, ...] = ()  # attribute name (+ aliases) or child tags (Clark notation)
    converter: Converter = STR


def attr(name: str, converter: Converter = STR, *, default: Any = None, aliases: tuple = ()) -> Any:
    """An XML attribute (`name` local for unqualified attributes, Clark notation otherwise)."""
    return field(default=default, metadata={"xml": Binding("attr", (name, *aliases), converter)})


def text() -> Any:
    """The element's own text content."""
    return field(default=None, metadata={"xml": Binding("text")})


def child(*tags: str) -> Any:
    """At most one child element, of one of the classes registered for `tags`."""
    return field(default=None, metadata={"xml": Binding("child", tags)})


def children(*tags: str) -> Any:
    """Any number of child elements of the classes registered for `tags`, in document order."""
    return field(default=(), metadata={"xml": Binding("children", tags)})


def text_child(tag: str, *aliases: str) -> Any:
    """A child element holding only text (`<standardEvent>complete</standardEvent>`).

    `aliases` are other tags read into the same field (written as `tag`).
    """
    return field(default=None, metadata={"xml": Binding("text_child", (tag, *aliases))})


def text_children(tag: str, *aliases: str) -> Any:
    """Repeated text-only child elements (`<incoming>Flow_1</incoming>`)."""
    return field(default=(), metadata={"xml": Binding("text_children", (tag, *aliases))})


# -- raw (unknown) content ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawNode:
    """An element (or comment) the typed model does not know, kept verbatim."""

    tag: str  # Clark notation, or COMMENT
    attributes: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    children: tuple[RawNode, ...] = ()
    tail: str | None = None
    line: int | None = field(default=None, compare=False)

    def iter(self) -> Iterator[RawNode]:
        """This node and every node below it."""
        yield self
        for node in self.children:
            yield from node.iter()

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value by Clark name."""
        for key, value in self.attributes:
            if key == name:
                return value
        return default


@dataclass(frozen=True, kw_only=True, slots=True)
class Element:
    """Base of every bound model class: what survives a round trip without being understood."""

    extra_attributes: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    unknown: tuple[tuple[str | None, RawNode], ...] = field(default=(), repr=False)
    """Unknown children, each with the name of the known field it followed (None: first)."""
    line: int | None = field(default=None, compare=False, repr=False)

    def extra(self, name: str, default: str | None = None) -> str | None:
        """An attribute the model does not know (Clark notation, e.g. `{ns}assignee`)."""
        for key, value in self.extra_attributes:
            if key == name:
                return value
        return default


# -- registry and plans -------------------------------------------------------------------------

_CLASSES: dict[str, type] = {}
_PLANS: dict[type, _Plan] = {}

E = TypeVar("E", bound=type)


def element(*tags: str) -> Callable[[E], E]:
    """Register a model class as the binding of the given element tags (Clark notation)."""

    def register(cls: E) -> E:
        for tag in tags:
            if tag in _CLASSES and _CLASSES[tag] is not cls:
                raise TypeError(f"{tag} is already bound to {_CLASSES[tag].__name__}")
            _CLASSES[tag] = cls
        cls.TAGS = tags  # type: ignore[attr-defined]
        return cls

    return register


def class_for(tag: str) -> type | None:
    """The model class bound to an element tag, if any."""
    return _CLASSES.get(tag)


@dataclass(slots=True)
class _FieldPlan:
    name: str
    binding: Binding
    many: bool
    tag_for: dict[type, str]  # class -> tag to write (child fields)


@dataclass(slots=True)
class _Plan:
    """How to read and write one class. Reading fills a list of field values by slot (the
    field's position among the dataclass fields), starting from `defaults`."""

    attrs: dict[str, tuple[int, Callable[[str], Any] | None]]
    """xml name -> (slot, the converter's parse function; None for plain strings)"""
    text_field: str | None
    text_slot: int | None
    children: dict[str, tuple[int, str, type | None, bool]]
    """tag -> (slot, field name, class (None: a text-only child), many)"""
    fields: list[_FieldPlan]  # bound fields in declaration (= schema) order
    defaults: list[Any]  # by slot; _UNSET where the class's own constructor decides
    line: int  # slots of the Element fields every bound class has
    extras: int
    unknown: int
    build: Callable[[list[Any]], Any]  # field values by slot -> instance (see _builder)


_UNSET: Any = object()


def _is_simple(cls: type) -> bool:
    """A frozen, slotted dataclass whose fields all have plain defaults."""
    fields = dataclasses.fields(cls)
    return (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__post_init__")
        and all(f.init and f.default_factory is dataclasses.MISSING for f in fields)
        and all(f.default is not dataclasses.MISSING for f in fields)
    )


def _defaults(cls: type) -> list[Any]:
    if _is_simple(cls):
        return [f.default for f in dataclasses.fields(cls)]
    return [_UNSET] * len(dataclasses.fields(cls))


def _builder(cls: type) -> Callable[[list[Any]], Any]:
    """A constructor of `cls` from its field values by slot.

    The same as `cls(**values)` for a frozen, slotted dataclass whose fields all have plain
    defaults, but it fills the slots straight through their descriptors instead of going through
    the generated `__init__` and `object.__setattr__`: reading a large model builds tens of
    thousands of objects, and this halves the cost of each. Other classes go through their
    constructor with the values that were read.
    """
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    if not _is_simple(cls):
        return lambda values: cls(
            **{
                name: value
                for name, value in zip(names, values, strict=True)
                if value is not _UNSET
            }
        )
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    unpacked = ", ".join(f"v{number}" for number in range(len(fields)))
    lines = ["def build(values):", "    obj = new(cls)", f"    {unpacked}, = values"]
    for number, f in enumerate(fields):
        namespace[f"set{number}"] = getattr(cls, f.name).__set__
        lines.append(f"    set{number}(obj, v{number})")
    lines.append("    return obj")
    exec("\n".join(lines), namespace)  # names and values come from the class, never from input
    return namespace["build"]


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    attrs: dict[str, tuple[int, Callable[[str], Any] | None]] = {}
    kids: dict[str, tuple[int, str, type | None, bool]] = {}
    plans: list[_FieldPlan] = []
    text_field = None
    text_slot = None
    all_fields = dataclasses.fields(cls)
    for slot, f in enumerate(all_fields):
        binding: Binding | None = f.metadata.get("xml")
        if binding is None:
            continue
        many = binding.kind in ("children", "text_children")
        tag_for: dict[type, str] = {}
        if binding.kind == "attr":
            for name in binding.names:
                converter = binding.converter
                attrs[name] = (slot, None if converter is STR else converter.parse)
        elif binding.kind == "text":
            text_field, text_slot = f.name, slot
        elif binding.kind in ("text_child", "text_children"):
            for tag in binding.names:
                kids[tag] = (slot, f.name, None, many)
        else:
            for tag in binding.names:
                target = _CLASSES.get(tag)
                if target is None:
                    raise TypeError(f"{cls.__name__}.{f.name}: no class bound to {tag}")
                kids[tag] = (slot, f.name, target, many)
                tag_for.setdefault(target, tag)
        plans.append(_FieldPlan(f.name, binding, many, tag_for))
    names = [f.name for f in all_fields]
    plan = _Plan(
        attrs,
        text_field,
        text_slot,
        kids,
        plans,
        _defaults(cls),
        names.index("line"),
        names.index("extra_attributes"),
        names.index("unknown"),
        _builder(cls),
    )
    _PLANS[cls] = plan
    return plan


# -- reading ------------------------------------------------------------------------------------


class ReadContext:
    """State of one document read: the namespace prefixes seen, for a faithful rewrite."""

    def __init__(self, source: str, root: etree._Element, max_depth: int = 128) -> None:
        self.source = source
        self.max_depth = max_depth
        self.namespaces: dict[str, str | None] = {uri: p for p, uri in root.nsmap.items()}

    def note_namespace(self, clark: str, element: etree._Element) -> None:
        """Remember the prefix of a namespace declared below the root."""
        if not clark.startswith("{"):
            return
        uri = clark[1:].partition("}")[0]
        if uri in self.namespaces:
            return
        for prefix, known in element.nsmap.items():
            if known == uri:
                self.namespaces[uri] = prefix
                return
        self.namespaces[uri] = PREFERRED_PREFIXES.get(uri)


def read_raw(node: etree._Element, ctx: ReadContext, depth: int = 1) -> RawNode:
    """Keep an element the model does not know, as it is."""
    if depth > ctx.max_depth:
        raise _too_deep(node, ctx)
    if not isinstance(node.tag, str):
        if isinstance(node, etree._Comment):
            return RawNode(COMMENT, text=node.text, tail=_blank_to_none(node.tail))
        return RawNode(COMMENT, text="", tail=None)  # processing instructions: dropped
    ctx.note_namespace(node.tag, node)
    for key in node.attrib:
        ctx.note_namespace(key, node)
    return RawNode(
        tag=node.tag,
        attributes=tuple(node.attrib.items()),
        text=_blank_to_none(node.text) if len(node) else node.text,
        children=tuple(read_raw(c, ctx, depth + 1) for c in node),
        tail=_blank_to_none(node.tail),
        line=node.sourceline,
    )


def _too_deep(node: etree._Element, ctx: ReadContext) -> NotationError:
    return NotationError(
        "xml.too-deep",
        message(
            "{source}: elements are nested more than {depth} levels deep",
            source=ctx.source,
            depth=ctx.max_depth,
        ),
        line=node.sourceline,
    )


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def read(node: etree._Element, cls: type[T], ctx: ReadContext, depth: int = 1) -> T:
    """Build an instance of the model class `cls` from an lxml element."""
    if depth > ctx.max_depth:
        raise _too_deep(node, ctx)
    plan = _PLANS.get(cls) or _plan(cls)
    defaults = plan.defaults
    values = defaults.copy()
    values[plan.line] = node.sourceline
    extras: list[tuple[str, str]] | None = None
    attrs = plan.attrs
    for key, value in node.items():
        known = attrs.get(key)
        if known is None:
            ctx.note_namespace(key, node)
            if extras is None:
                extras = []
            extras.append((key, value))
            continue
        slot, parse = known
        if parse is None:
            values[slot] = value
            continue
        try:
            values[slot] = parse(value)
        except ValueError as exc:
            raise NotationError(
                "xml.invalid-value",
                message(
                    "{source}: attribute {attribute}={value} of <{element}>: {reason}",
                    source=ctx.source,
                    attribute=key,
                    value=repr(value),
                    element=etree.QName(node).localname,
                    reason=_reason(exc),
                ),
                line=node.sourceline,
                element=node.get("id"),
            ) from None
    if plan.text_slot is not None:
        values[plan.text_slot] = node.text
    if len(node):
        kids_plan = plan.children
        unknown: list[tuple[str | None, RawNode]] = []
        lists: dict[int, list[Any]] = {}
        last: str | None = None
        for kid in node:
            target = kids_plan.get(kid.tag)
            if target is None:
                unknown.append((last, read_raw(kid, ctx, depth + 1)))
                continue
            slot, name, kid_cls, many = target
            if kid_cls is None:  # a text-only child; present but empty reads as ""
                value = kid.text
                value = value.strip() if value is not None else ""
            else:
                value = read(kid, kid_cls, ctx, depth + 1)
            if many:
                bucket = lists.get(slot)
                if bucket is None:
                    lists[slot] = [value]
                else:
                    bucket.append(value)
            elif values[slot] is not defaults[slot]:  # a second one of a single child: unknown
                unknown.append((last, read_raw(kid, ctx, depth + 1)))
            else:
                values[slot] = value
            last = name
        for slot, items in lists.items():
            values[slot] = tuple(items)
        if unknown:
            values[plan.unknown] = tuple(unknown)
    if extras is not None:
        values[plan.extras] = tuple(extras)
    return plan.build(values)


# -- writing ------------------------------------------------------------------------------------


def write(obj: Any, tag: str, parent: etree._Element | None, nsmap: dict | None = None):
    """Append the XML of model object `obj` as element `tag` under `parent` (or make a root)."""
    plan = _plan(type(obj))
    node = etree.Element(tag, nsmap=nsmap) if parent is None else etree.SubElement(parent, tag)
    for fp in plan.fields:
        if fp.binding.kind == "attr":
            value = getattr(obj, fp.name)
            if value is not None:
                node.set(fp.binding.names[0], fp.binding.converter.format(value))
    for key, value in sorted(obj.extra_attributes):
        node.set(key, value)
    if plan.text_field is not None:
        value = getattr(obj, plan.text_field)
        if value is not None:
            node.text = value
    pending: dict[str | None, list[RawNode]] = {}
    for slot, raw in obj.unknown:
        pending.setdefault(slot, []).append(raw)
    for raw in pending.pop(None, ()):
        write_raw(raw, node)
    for fp in plan.fields:
        kind = fp.binding.kind
        if kind in ("attr", "text"):
            continue
        value = getattr(obj, fp.name)
        items = value if fp.many else ((value,) if value is not None else ())
        if kind in ("text_child", "text_children"):
            for item in items:
                etree.SubElement(node, fp.binding.names[0]).text = item
        else:
            for item in items:
                kid_tag = fp.tag_for.get(type(item))
                if kid_tag is None:
                    raise TypeError(
                        f"{type(obj).__name__}.{fp.name} cannot hold {type(item).__name__}"
                    )
                write(item, kid_tag, node)
        for raw in pending.pop(fp.name, ()):
            write_raw(raw, node)
    for leftovers in pending.values():  # slots of fields that no longer exist
        for raw in leftovers:
            write_raw(raw, node)
    return node


def write_raw(raw: RawNode, parent: etree._Element) -> None:
    """Append a kept, unknown node under `parent`."""
    if raw.tag == COMMENT:
        if raw.text:
            comment = etree.Comment(raw.text)
            parent.append(comment)
            comment.tail = raw.tail
        return
    node = etree.SubElement(parent, raw.tag)
    for key, value in raw.attributes:
        node.set(key, value)
    node.text = raw.text
    node.tail = raw.tail
    for kid in raw.children:
        write_raw(kid, node)


# -- traversal ----------------------------------------------------------------------------------


_CHILD_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _child_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    found = _CHILD_FIELDS.get(cls)
    if found is None:
        found = tuple(
            (fp.name, fp.many)
            for fp in _plan(cls).fields
            if fp.binding.kind in ("child", "children")
        )
        _CHILD_FIELDS[cls] = found
    return found


def all_elements(obj: Any) -> list[Element]:
    """The elements `iter_elements` yields, as a list, made without a generator's overhead."""
    found: list[Element] = []
    stack = [obj]
    pop, push, extend, add = stack.pop, stack.append, stack.extend, found.append
    reversed_fields = _REVERSED_CHILD_FIELDS
    while stack:
        current = pop()
        add(current)
        fields = reversed_fields.get(type(current))
        if fields is None:
            fields = tuple(reversed(_child_fields(type(current))))
            reversed_fields[type(current)] = fields
        for name, many in fields:
            value = getattr(current, name)
            if many:
                if value:
                    extend(reversed(value))
            elif value is not None:
                push(value)
    return found


_REVERSED_CHILD_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def iter_elements(obj: Any) -> Iterator[Element]:
    """Every bound model object in the tree below `obj` (itself included), depth first: the walk
    of `all_elements`, taken whole first (a frozen model cannot change while it is read)."""
    return iter(all_elements(obj))


def identify(elements: Iterable[Any]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The elements with an id, by id (the first to use it), and every later one using an id
    already taken, in walk order."""
    by_id: dict[str, Any] = {}
    duplicates: list[tuple[str, Any]] = []
    for element in elements:
        ident = getattr(element, "id", None)
        if not isinstance(ident, str):
            continue
        if ident in by_id:
            duplicates.append((ident, element))
        else:
            by_id[ident] = element
    return by_id, duplicates
