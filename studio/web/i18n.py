"""The pages' language: English or French, chosen by the user (kept in the session) or else by
the browser's Accept-Language.

Template strings go through Flask-Babel (`{{ _("...") }}`). The French catalogue is
`studio/web/translations/fr/LC_MESSAGES/messages.po`; `make` compiles it into `messages.mo`
(git-ignored, shipped in the wheel). Without the compiled catalogue the pages are in English.
Update the catalogue after changing strings with `make messages`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext

from studio.messages import translate
from studio.web.json_input import StrictJSONInput

LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT = "en"
SESSION_KEY = "lang"

babel = Babel()


def select_locale() -> str:
    """The session's language, else the browser's preferred one among ours, else English."""
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


class LocalizedJSON(StrictJSONInput):
    """JSON answers with the messages of the validator and the engine (`studio.messages.Text`)
    in the caller's language; English answers are written as they are."""

    def response(self, *args: Any, **kwargs: Any) -> Any:
        if has_request_context() and str(get_locale() or DEFAULT) != DEFAULT:
            args = tuple(translate(a, gettext) for a in args)
            kwargs = {k: translate(v, gettext) for k, v in kwargs.items()}
        return super().response(*args, **kwargs)


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT, locale_selector=select_locale)
    app.json = LocalizedJSON(app)
    app.jinja_env.filters["localized"] = lambda value: translate(value, gettext)
