"""Messages people read, in English, that a page can still show in another language.

The validator, the engine and the loaders speak English (the CLI and the JSON contracts say
so). A message made with `text("Sentry {sentry} has no on-part", sentry="s1")` is an ordinary
`str` holding the English sentence, that also remembers its template and values; the web layer
translates it for a French page (`Text.translate`) with the catalogue of its area. Templates
are extracted with the keyword `text` (`make messages`). No Flask here: the engine core uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Translate = Callable[[str], str]


class Text(str):
    """An English message with the template and values it was made from."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, english: str, template: str | None = None, values: Mapping | None = None):
        made = super().__new__(cls, english)
        made.template = english if template is None else template
        made.values = dict(values or {})
        return made

    def __reduce__(self):
        return (Text, (str(self), self.template, self.values))

    def translate(self, gettext: Translate) -> str:
        """This message in the language of `gettext`; English where it has no translation."""
        translated = gettext(self.template)
        if translated == self.template and not any(
            isinstance(v, Text) for v in self.values.values()
        ):
            return str(self)
        values = {k: translate(v, gettext) for k, v in self.values.items()}
        try:
            return translated.format(**values)
        except (KeyError, IndexError, ValueError):
            return str(self)


def text(template: str, /, **values: Any) -> Text:
    """The message `template.format(**values)`, translatable later."""
    return Text(template.format(**values), template, values)


def without(message: str, part: str) -> str:
    """`message` with every `part` taken out (a server's folder, say), still translatable when it
    was: the part is taken out of its values."""
    if part not in message:
        return message
    if isinstance(message, Text):
        values = {k: without(v, part) if isinstance(v, str) else v
                  for k, v in message.values.items()}  # fmt: skip
        return Text(message.template.format(**values), message.template, values)
    return message.replace(part, "")


def stored(message: str) -> dict[str, Any]:
    """A message as JSON to keep in a database, its template and values with it when it has
    them (nested messages are kept as their English sentence)."""
    if isinstance(message, Text) and message.template != str(message):
        values = {k: v if isinstance(v, int | float | bool) or v is None else str(v)
                  for k, v in message.values.items()}  # fmt: skip
        return {"message": str(message), "template": message.template, "values": values}
    return {"message": str(message)}


def restored(document: dict[str, Any]) -> str:
    """The message `stored` kept, translatable again when it had a template."""
    message = str(document.get("message", ""))
    template, values = document.get("template"), document.get("values")
    if isinstance(template, str) and isinstance(values, dict):
        return Text(message, template, values)
    return message


def translate(value: Any, gettext: Translate) -> Any:
    """`value` with every `Text` inside it (lists, dicts, tuples) translated by `gettext`."""
    if isinstance(value, Text):
        return value.translate(gettext)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {k: translate(v, gettext) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [translate(v, gettext) for v in value]
    return value
