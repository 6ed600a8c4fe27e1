"""Running Graphviz `dot`: DOT source in, parsed JSON layout out, with a time limit."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

INSTALL_HINT = (
    "install Graphviz so that `dot` is on the PATH "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz)"
)


class LayoutError(Exception):
    """A layout could not be computed (Graphviz missing, failing or too slow)."""


@dataclass(frozen=True, slots=True)
class GraphvizRunner:
    """Runs one Graphviz layout program on DOT source and returns its `-Tjson` output."""

    executable: str = "dot"
    timeout: float = 30.0

    def run(self, source: str) -> dict[str, Any]:
        path = shutil.which(self.executable)
        if path is None:
            raise LayoutError(f"Graphviz `{self.executable}` was not found: {INSTALL_HINT}")
        try:
            done = subprocess.run(
                [path, "-Tjson"],
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LayoutError(
                f"Graphviz `{self.executable}` did not finish within {self.timeout:g} s; "
                "the model may be too large to lay out automatically"
            ) from None
        except OSError as error:
            raise LayoutError(
                f"Graphviz `{path}` could not be run ({error}): {INSTALL_HINT}"
            ) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {done.returncode}"
            raise LayoutError(f"Graphviz `{self.executable}` failed: {detail}")
        try:
            return json.loads(done.stdout)
        except ValueError as error:
            raise LayoutError(
                f"Graphviz `{self.executable}` wrote unreadable JSON: {error}"
            ) from None
