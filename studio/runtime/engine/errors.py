"""What the engine raises instead of changing a case."""

from __future__ import annotations


class Refused(Exception):
    """The engine refused a command; nothing changed."""


class Runaway(Exception):
    """A command ran past the loop budget (repetition or sentry loop); rolled back."""
