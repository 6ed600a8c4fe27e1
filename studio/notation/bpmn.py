"""BPMN 2.0 notation (being written)."""
