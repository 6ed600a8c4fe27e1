"""The one error of unusable simulation input."""

from __future__ import annotations

from pathlib import Path


class SpecError(ValueError):
    """Unusable simulation input (`studio simulate` exits 2 with it): the file, the place in it
    (a JSON path such as ``work.Check invoice.duration``, or a record number) and the reason."""

    def __init__(self, reason: str, where: str = "", file: str | Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where
        self.file = str(file) if file is not None else None

    def located(self, file: str | Path) -> SpecError:
        """The same error, naming `file` (kept when it already names one)."""
        return self if self.file else SpecError(self.reason, self.where, file)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        return ": ".join([*parts, self.reason])
