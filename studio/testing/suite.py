"""Finding scenario files under the paths given to `studio test` and running them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from studio.testing.driver import DriverFactory
from studio.testing.runner import EXIT_OK, ScenarioResult, run_file
from studio.testing.scenario_file import SUFFIX

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class SuiteResult:
    """Every scenario's result, in the order the files were found."""

    scenarios: list[ScenarioResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.scenarios)

    @property
    def failed(self) -> int:
        """Scenarios that did not pass, unusable ones included."""
        return len(self.scenarios) - self.passed

    @property
    def exit_code(self) -> int:
        """The highest of the files' exit codes."""
        return max((result.exit_code for result in self.scenarios), default=EXIT_OK)


def find_scenarios(paths: Iterable[str]) -> list[tuple[str, Path | None]]:
    """(shown name, file) for every scenario file: files as given, folders searched for
    `*.scenario.json` in sorted order; a path that does not exist comes with None."""
    found: list[tuple[str, Path | None]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
            found.extend((str(file), file) for file in files)
        elif path.exists():
            found.append((given, path))
        else:
            found.append((given, None))
    return found


def run_paths(
    paths: Iterable[str], factory: DriverFactory, progress: Progress | None = None
) -> SuiteResult:
    """Run every scenario found under `paths`; a missing path is an unusable entry."""
    files = find_scenarios(paths)
    suite = SuiteResult()
    for done, (shown, path) in enumerate(files, 1):
        if path is None:
            suite.scenarios.append(ScenarioResult(shown, error=f"{shown}: no such file or folder"))
        else:
            suite.scenarios.append(run_file(path, factory, shown))
        if progress is not None:
            progress(done, len(files))
    return suite
