"""CMMN 1.1, BPMN 2.0 and DMN 1.3 models: XML in, typed immutable definitions out, and back.

This is the only package that imports lxml.
"""

from studio.notation.documents import read_model, read_model_file, write_model
from studio.notation.errors import NotationError

__all__ = ["NotationError", "read_model", "read_model_file", "write_model"]
