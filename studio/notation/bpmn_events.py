"""BPMN 2.0 events and event definitions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from studio.notation.binding import BOOL, attr, child, children, element, text_child, text_children
from studio.notation.bpmn_base import (
    EVENT_DEFINITION_TAGS,
    Expression,
    FlowNode,
    RootElement,
    b,
)
from studio.notation.bpmn_data import (
    DataInput,
    DataInputAssociation,
    DataOutput,
    DataOutputAssociation,
    InputSet,
    OutputSet,
    Property,
)

# -- event definitions --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class EventDefinition(RootElement):
    """tEventDefinition; `kind` names the trigger ("message", "timer", ...)."""

    kind: ClassVar[str] = "none"


@element(b("cancelEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CancelEventDefinition(EventDefinition):
    kind: ClassVar[str] = "cancel"


@element(b("terminateEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TerminateEventDefinition(EventDefinition):
    kind: ClassVar[str] = "terminate"


@element(b("compensateEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class CompensateEventDefinition(EventDefinition):
    wait_for_completion: bool | None = attr("waitForCompletion", BOOL)
    activity_ref: str | None = attr("activityRef")
    kind: ClassVar[str] = "compensate"


@element(b("conditionalEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ConditionalEventDefinition(EventDefinition):
    condition: Expression | None = child(b("condition"))
    kind: ClassVar[str] = "conditional"


@element(b("errorEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ErrorEventDefinition(EventDefinition):
    error_ref: str | None = attr("errorRef")
    kind: ClassVar[str] = "error"


@element(b("escalationEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EscalationEventDefinition(EventDefinition):
    escalation_ref: str | None = attr("escalationRef")
    kind: ClassVar[str] = "escalation"


@element(b("linkEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class LinkEventDefinition(EventDefinition):
    name: str | None = attr("name")
    sources: tuple[str, ...] = text_children(b("source"))
    target: str | None = text_child(b("target"))
    kind: ClassVar[str] = "link"


@element(b("messageEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class MessageEventDefinition(EventDefinition):
    message_ref: str | None = attr("messageRef")
    operation_ref: str | None = text_child(b("operationRef"))
    kind: ClassVar[str] = "message"


@element(b("signalEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class SignalEventDefinition(EventDefinition):
    signal_ref: str | None = attr("signalRef")
    kind: ClassVar[str] = "signal"


@element(b("timerEventDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class TimerEventDefinition(EventDefinition):
    """A timer: exactly one of a date, a duration or a cycle (schema choice)."""

    time_date: Expression | None = child(b("timeDate"))
    time_duration: Expression | None = child(b("timeDuration"))
    time_cycle: Expression | None = child(b("timeCycle"))
    kind: ClassVar[str] = "timer"

    @property
    def timer(self) -> tuple[str, str] | None:
        """("date" | "duration" | "cycle", expression text), or None without one."""
        for which, expression in (
            ("date", self.time_date),
            ("duration", self.time_duration),
            ("cycle", self.time_cycle),
        ):
            if expression is not None:
                return which, expression.source
        return None


EventDefinitionType = (
    CancelEventDefinition
    | CompensateEventDefinition
    | ConditionalEventDefinition
    | ErrorEventDefinition
    | EscalationEventDefinition
    | LinkEventDefinition
    | MessageEventDefinition
    | SignalEventDefinition
    | TerminateEventDefinition
    | TimerEventDefinition
)


# -- events -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Event(FlowNode):
    """tEvent. `event_definitions` and `event_definition_refs` come from the catch/throw bases."""

    properties: tuple[Property, ...] = children(b("property"))

    @property
    def trigger(self) -> str:
        """What triggers the event: `none`, its one definition's `kind` or `multiple`.

        (`reference` when its only definition is an `eventDefinitionRef` to a root element.)
        """
        definitions = getattr(self, "event_definitions", ())
        refs = getattr(self, "event_definition_refs", ())
        if len(definitions) + len(refs) > 1:
            return "multiple"
        if definitions:
            return definitions[0].kind
        return "reference" if refs else "none"

    def definition(self, cls: type[EventDefinition]) -> EventDefinition | None:
        """The first inline event definition of class `cls`, if any."""
        for item in getattr(self, "event_definitions", ()):
            if isinstance(item, cls):
                return item
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class CatchEvent(Event):
    parallel_multiple: bool | None = attr("parallelMultiple", BOOL)
    data_outputs: tuple[DataOutput, ...] = children(b("dataOutput"))
    data_output_associations: tuple[DataOutputAssociation, ...] = children(
        b("dataOutputAssociation")
    )
    output_set: OutputSet | None = child(b("outputSet"))
    event_definitions: tuple[EventDefinitionType, ...] = children(*EVENT_DEFINITION_TAGS)
    event_definition_refs: tuple[str, ...] = text_children(b("eventDefinitionRef"))


@dataclass(frozen=True, kw_only=True, slots=True)
class ThrowEvent(Event):
    data_inputs: tuple[DataInput, ...] = children(b("dataInput"))
    data_input_associations: tuple[DataInputAssociation, ...] = children(b("dataInputAssociation"))
    input_set: InputSet | None = child(b("inputSet"))
    event_definitions: tuple[EventDefinitionType, ...] = children(*EVENT_DEFINITION_TAGS)
    event_definition_refs: tuple[str, ...] = text_children(b("eventDefinitionRef"))


@element(b("startEvent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class StartEvent(CatchEvent):
    is_interrupting: bool | None = attr("isInterrupting", BOOL)

    @property
    def interrupting(self) -> bool:
        """isInterrupting, true by default (matters in event sub-processes)."""
        return self.is_interrupting is not False


@element(b("intermediateCatchEvent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class IntermediateCatchEvent(CatchEvent):
    pass


@element(b("boundaryEvent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class BoundaryEvent(CatchEvent):
    cancel_activity: bool | None = attr("cancelActivity", BOOL)
    attached_to_ref: str | None = attr("attachedToRef")

    @property
    def interrupting(self) -> bool:
        """cancelActivity, true by default."""
        return self.cancel_activity is not False


@element(b("endEvent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class EndEvent(ThrowEvent):
    pass


@element(b("intermediateThrowEvent"))
@dataclass(frozen=True, kw_only=True, slots=True)
class IntermediateThrowEvent(ThrowEvent):
    pass


@element(b("implicitThrowEvent"), b("event"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ImplicitThrowEvent(ThrowEvent):
    """An implicit throw event (also the `event` of a complex behavior definition)."""
