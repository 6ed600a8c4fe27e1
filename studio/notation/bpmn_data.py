"""BPMN 2.0 data: item definitions, properties, data objects and stores, I/O specifications,
data associations."""

from __future__ import annotations

from dataclasses import dataclass

from studio.notation.binding import (
    BOOL,
    INT,
    attr,
    child,
    children,
    element,
    text_child,
    text_children,
)
from studio.notation.bpmn_base import BaseElement, Expression, FlowElement, RootElement, b


@element(b("dataState"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataState(BaseElement):
    name: str | None = attr("name")


@element(b("itemDefinition"))
@dataclass(frozen=True, kw_only=True, slots=True)
class ItemDefinition(RootElement):
    structure_ref: str | None = attr("structureRef")
    is_collection: bool | None = attr("isCollection", BOOL)
    item_kind: str | None = attr("itemKind")


@element(b("property"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Property(BaseElement):
    """A process, activity or event variable."""

    name: str | None = attr("name")
    item_subject_ref: str | None = attr("itemSubjectRef")
    data_state: DataState | None = child(b("dataState"))


@element(b("dataInput"), b("inputDataItem"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataInput(BaseElement):
    name: str | None = attr("name")
    item_subject_ref: str | None = attr("itemSubjectRef")
    is_collection: bool | None = attr("isCollection", BOOL)
    data_state: DataState | None = child(b("dataState"))


@element(b("dataOutput"), b("outputDataItem"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataOutput(BaseElement):
    name: str | None = attr("name")
    item_subject_ref: str | None = attr("itemSubjectRef")
    is_collection: bool | None = attr("isCollection", BOOL)
    data_state: DataState | None = child(b("dataState"))


@element(b("inputSet"))
@dataclass(frozen=True, kw_only=True, slots=True)
class InputSet(BaseElement):
    name: str | None = attr("name")
    data_input_refs: tuple[str, ...] = text_children(b("dataInputRefs"))
    optional_input_refs: tuple[str, ...] = text_children(b("optionalInputRefs"))
    while_executing_input_refs: tuple[str, ...] = text_children(b("whileExecutingInputRefs"))
    output_set_refs: tuple[str, ...] = text_children(b("outputSetRefs"))


@element(b("outputSet"))
@dataclass(frozen=True, kw_only=True, slots=True)
class OutputSet(BaseElement):
    name: str | None = attr("name")
    data_output_refs: tuple[str, ...] = text_children(b("dataOutputRefs"))
    optional_output_refs: tuple[str, ...] = text_children(b("optionalOutputRefs"))
    while_executing_output_refs: tuple[str, ...] = text_children(b("whileExecutingOutputRefs"))
    input_set_refs: tuple[str, ...] = text_children(b("inputSetRefs"))


@element(b("ioSpecification"))
@dataclass(frozen=True, kw_only=True, slots=True)
class IoSpecification(BaseElement):
    """Inputs and outputs of an activity or process (the schema wants at least one set each)."""

    data_inputs: tuple[DataInput, ...] = children(b("dataInput"))
    data_outputs: tuple[DataOutput, ...] = children(b("dataOutput"))
    input_sets: tuple[InputSet, ...] = children(b("inputSet"))
    output_sets: tuple[OutputSet, ...] = children(b("outputSet"))


@element(b("ioBinding"))
@dataclass(frozen=True, kw_only=True, slots=True)
class IoBinding(BaseElement):
    operation_ref: str | None = attr("operationRef")
    input_data_ref: str | None = attr("inputDataRef")
    output_data_ref: str | None = attr("outputDataRef")


@element(b("assignment"))
@dataclass(frozen=True, kw_only=True, slots=True)
class Assignment(BaseElement):
    from_: Expression | None = child(b("from"))
    to: Expression | None = child(b("to"))


@dataclass(frozen=True, kw_only=True, slots=True)
class DataAssociation(BaseElement):
    """Moves data from `source_refs` to `target_ref`, optionally transformed or assigned."""

    source_refs: tuple[str, ...] = text_children(b("sourceRef"))
    target_ref: str | None = text_child(b("targetRef"))
    transformation: Expression | None = child(b("transformation"))
    assignments: tuple[Assignment, ...] = children(b("assignment"))


@element(b("dataInputAssociation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataInputAssociation(DataAssociation):
    pass


@element(b("dataOutputAssociation"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataOutputAssociation(DataAssociation):
    pass


@element(b("dataObject"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataObject(FlowElement):
    item_subject_ref: str | None = attr("itemSubjectRef")
    is_collection: bool | None = attr("isCollection", BOOL)
    data_state: DataState | None = child(b("dataState"))


@element(b("dataObjectReference"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataObjectReference(FlowElement):
    item_subject_ref: str | None = attr("itemSubjectRef")
    data_object_ref: str | None = attr("dataObjectRef")
    data_state: DataState | None = child(b("dataState"))


@element(b("dataStore"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataStore(RootElement):
    name: str | None = attr("name")
    capacity: int | None = attr("capacity", INT)
    is_unlimited: bool | None = attr("isUnlimited", BOOL)
    item_subject_ref: str | None = attr("itemSubjectRef")
    data_state: DataState | None = child(b("dataState"))


@element(b("dataStoreReference"))
@dataclass(frozen=True, kw_only=True, slots=True)
class DataStoreReference(FlowElement):
    item_subject_ref: str | None = attr("itemSubjectRef")
    data_store_ref: str | None = attr("dataStoreRef")
    data_state: DataState | None = child(b("dataState"))
