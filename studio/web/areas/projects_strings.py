"""The editor page's script's messages, in the page's language ({name}: filled in by the script)."""

from __future__ import annotations

from flask_babel import gettext


def editor_strings() -> dict[str, str]:
    return {
        "loading": gettext("Loading the diagram…"),
        "failed": gettext("The diagram could not be shown: {reason}"),
        "opened": gettext("Version {version} · {count} elements"),
        "unsaved": gettext("Unsaved changes"),
        "saving": gettext("Saving…"),
        "saved": gettext("Saved as version {version}."),
        "unchanged": gettext("Nothing changed since version {version}: nothing was saved."),
        "saveFailed": gettext("Not saved: {reason}"),
        "stale": gettext(
            "Not saved: {who} saved version {version} meanwhile ({when}, “{message}”). "
            "Reload the newest version and apply your change again, or download your XML "
            "to keep it."
        ),
        "staleShort": gettext("Not saved: version {version} was saved meanwhile."),
        "someone": gettext("someone"),
        "noMessage": gettext("no message"),
        "checking": gettext("Checking…"),
        "valid": gettext("No problems"),
        "errors1": gettext("1 error"),
        "errorsN": gettext("{count} errors"),
        "warnings1": gettext("1 warning"),
        "warningsN": gettext("{count} warnings"),
        "noProblems": gettext("No problems found: the engine can run this model."),
        "elsewhere": gettext("In {file}"),
        "validationFailed": gettext("The model could not be checked: {reason}"),
        "error": gettext("error"),
        "warning": gettext("warning"),
        "noElement": gettext("the whole model"),
        "layingOut": gettext("Laying the diagram out…"),
        "laidOut": gettext("Laid out again: save to keep it, or undo by reloading."),
        "layoutFailed": gettext("Not laid out: {reason}"),
        "hiddenOne": gettext(
            "This file holds a process the diagram does not show: {names}. It is kept when you "
            "save, but you cannot see or edit it here."
        ),
        "hiddenMany": gettext(
            "This file holds {count} processes the diagram does not show: {names}. They are kept "
            "when you save, but you cannot see or edit them here."
        ),
        "pooling": gettext("Putting every process in a pool…"),
        "pooled": gettext(
            "Every process is now a pool, laid out again: save to keep it, or put it back as it "
            "was."
        ),
        "poolsFailed": gettext("The processes were not put in pools: {reason}"),
        "unpooled": gettext("Put back as it was before the pools."),
        "leave": gettext("Your changes are not saved. Leave anyway?"),
        "network": gettext("the server could not be reached"),
        "downloaded": gettext("Downloaded {file}."),
        "defaultMessage": gettext("Edited {file}"),
    }
