"""The studio's page areas, one module each (projects and editors, case work, scenarios and
simulations, administration...): every module here defining `blueprint` is registered by the
app factory, so an area is added without touching the factory.

An area module: `blueprint = Blueprint("<area>", __name__, template_folder="../templates")`,
routes guarded with `studio.web.studio_pages.page(*roles)`, templates under
`studio/web/templates/<area>/` extending `studio.html`, its browser code in
`frontend/src/pages/<area>*.js` (built to `dist/pages/`), its CSS in `studio/static/css/<area>.css`
and its French strings in `studio/web/translations/fr/LC_MESSAGES/<area>.po`.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask


def register(app: Flask) -> list[str]:
    """Register every area's blueprint, in module name order; their names."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, Blueprint):
            app.register_blueprint(blueprint)
            names.append(blueprint.name)
    return names
