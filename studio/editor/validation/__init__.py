"""Model validation: stable problem codes with severity, element id, line and message."""

from studio.editor.validation.problems import Problem
from studio.editor.validation.project import ModelProject
from studio.editor.validation.validator import validate_file, validate_model

__all__ = ["ModelProject", "Problem", "validate_file", "validate_model"]
