"""Case Studio: a low-code CMMN 1.1 / BPMN 2.0 case modeling studio, engine and simulator."""

__version__ = "0.1.0"
