"""Compiling what business-rule and service tasks call.

Conventions (both readable and kept by bpmn-js, which round-trips the standard attribute):
- `<businessRuleTask implementation="decision id or name">`; Flowable's
  `decisionTableReferenceKey` and Camunda's `decisionRef` are accepted as translations.
- `<serviceTask implementation="handler name">`, a handler of the `studio.services` entry-point
  group. Vendor Java delegates (`class`, `delegateExpression`, `expression`, `type`, `topic`)
  cannot run and are refused.
"""

from __future__ import annotations

from studio.messages import text
from studio.notation.bpmn_model import BusinessRuleTask, FlowNode, ServiceTask
from studio.runtime.decisions import DecisionError, compile_table
from studio.runtime.engine.definition import DecisionCall, DecisionLoader, DefinitionError

DECISION_ATTRIBUTES = ("decisionTableReferenceKey", "decisionRef")
"""Vendor attributes (any namespace) naming the decision of a business-rule task."""
VENDOR_DELEGATES = ("class", "delegateExpression", "expression", "type", "topic")


def _named(value: str | None) -> str | None:
    """An `implementation` value that names something (not `##unspecified`, `##WebService`)."""
    value = (value or "").strip()
    return value if value and not value.startswith("##") else None


def _vendor(node: FlowNode, names: tuple[str, ...]) -> tuple[str, str] | None:
    for key, value in node.extra_attributes:
        local = key.rpartition("}")[2]
        if local in names and value.strip():
            return local, value.strip()
    return None


def decision_key(node: BusinessRuleTask) -> str | None:
    """The decision a business-rule task names (ours first, then the vendors')."""
    vendor = _vendor(node, DECISION_ATTRIBUTES)
    return _named(node.implementation) or (vendor[1] if vendor else None)


def compile_decision(node: BusinessRuleTask, decisions: DecisionLoader | None) -> DecisionCall:
    """The table a business-rule task evaluates; each output goes to the variable of its name."""
    key = decision_key(node)
    label = repr(node.name or node.id)
    if key is None:
        raise DefinitionError(
            text(
                "{element}: business-rule task {item} names no decision (implementation=...)",
                element=node.id,
                item=label,
            )
        )
    found = decisions(key) if decisions is not None else None
    if found is None:
        raise DefinitionError(
            text(
                "{element}: no DMN decision {decision!r} in the project",
                element=node.id,
                decision=key,
            )
        )
    try:
        table = compile_table(found)
    except DecisionError as exc:
        raise DefinitionError(
            text(
                "{element}: decision {decision!r}: {reason}",
                element=node.id,
                decision=key,
                reason=exc.message,
            )
        ) from None
    return DecisionCall(table, tuple((name, name) for name in table.outputs))


def service_name(node: ServiceTask) -> str | None:
    """The handler a service task names, if any."""
    return _named(node.implementation)


def compile_service(node: ServiceTask) -> str:
    """The handler name of a service task; vendor delegates are refused."""
    delegate = _vendor(node, VENDOR_DELEGATES)
    if delegate is not None:
        raise DefinitionError(
            text(
                "{element}: a vendor {kind} ({name!r}) cannot run here; name a studio.services "
                "handler in implementation=...",
                element=node.id,
                kind=delegate[0],
                name=delegate[1],
            )
        )
    name = service_name(node)
    if name is None:
        raise DefinitionError(
            text(
                "{element}: the service task names no handler (implementation=...)", element=node.id
            )
        )
    return name
