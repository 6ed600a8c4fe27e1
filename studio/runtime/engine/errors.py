"""What the engine raises instead of changing a case.

Their messages are `studio.messages.Text`: `str(error)` gives that very Text back, so a host that
passes `str(error)` on keeps it translatable for a French page.
"""

from __future__ import annotations


class WordedError(Exception):
    """An error whose message is its first argument, kept as it is (a Text stays a Text)."""

    def __str__(self) -> str:
        message = self.args[0] if self.args else ""
        return message if isinstance(message, str) else super().__str__()


class Refused(WordedError):
    """The engine refused a command; nothing changed."""


class Runaway(WordedError):
    """A command ran past the loop budget (repetition or sentry loop); rolled back."""
