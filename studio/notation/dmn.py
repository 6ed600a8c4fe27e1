"""DMN 1.3 notation: registration for reading/writing and canonical repairs.

DMN 1.2 and 1.1 files are read into the same classes and written as DMN 1.3: the model and
DMNDI namespaces are renamed (`upgrade_namespaces`); nothing else is converted (a 1.1 `typeRef`
such as `feel:string` stays as written).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from studio.notation.binding import RawNode
from studio.notation.canonical import repair_ids, settle_namespaces, transform
from studio.notation.dmn_model import DmnDefinitions, ElementReference, d
from studio.notation.documents import register_notation
from studio.notation.namespaces import DMN, DMN_DC, DMN_DI, DMN_OLDER, DMNDI

DMNDI_12 = "http://www.omg.org/spec/DMN/20180521/DMNDI/"

UPGRADES: dict[str, str] = {**dict.fromkeys(DMN_OLDER, DMN), DMNDI_12: DMNDI}
"""Older DMN namespaces -> their DMN 1.3 counterparts."""


def _rename(clark: str) -> str:
    if clark.startswith("{"):
        uri, _, local = clark[1:].partition("}")
        if uri in UPGRADES:
            return f"{{{UPGRADES[uri]}}}{local}"
    return clark


def _upgrade_raw(node: RawNode) -> RawNode:
    return dataclasses.replace(
        node,
        tag=_rename(node.tag),
        attributes=tuple((_rename(k), v) for k, v in node.attributes),
        children=tuple(_upgrade_raw(kid) for kid in node.children),
    )


def upgrade_namespaces(model: DmnDefinitions) -> DmnDefinitions:
    """Write a DMN 1.2 / 1.1 model in the DMN 1.3 namespaces (a no-op for DMN 1.3)."""
    if not any(uri in UPGRADES for _, uri in model.namespaces):
        return model

    def fix(element: Any) -> Any:
        if not (element.unknown or element.extra_attributes):
            return element
        return dataclasses.replace(
            element,
            unknown=tuple((slot, _upgrade_raw(raw)) for slot, raw in element.unknown),
            extra_attributes=tuple((_rename(k), v) for k, v in element.extra_attributes),
        )

    model = transform(model, fix)
    namespaces = tuple((prefix, UPGRADES.get(uri, uri)) for prefix, uri in model.namespaces)
    return dataclasses.replace(model, namespaces=namespaces)


def settle_dmn_namespaces(model: DmnDefinitions) -> DmnDefinitions:
    """One prefix per namespace, declared at the root (see `canonical.settle_namespaces`)."""
    return settle_namespaces(model, (DMN,))


def repair_dmn_ids(model: DmnDefinitions) -> DmnDefinitions:
    """Valid ids (NCNames) everywhere, `href="#old"` references following the renames."""
    model, renames = repair_ids(model)
    if not renames:
        return model

    def fix(element: Any) -> Any:
        if isinstance(element, ElementReference) and element.href:
            base, sep, ident = element.href.rpartition("#")
            if sep and not base and ident in renames:
                return dataclasses.replace(element, href=f"#{renames[ident]}")
        return element

    return transform(model, fix)


register_notation(
    "dmn",
    d("definitions"),
    (DMNDI, DMN_DC, DMN_DI),
    (upgrade_namespaces, repair_dmn_ids, settle_dmn_namespaces),
)
