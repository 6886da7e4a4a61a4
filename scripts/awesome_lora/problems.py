"""Problems found in the list's files, reported as ``path:line: field: message``.

Every check collects problems instead of raising, so that one run reports all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    rule: str = "schema"
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command, so it shows on the pull request's diff."""
        message = _escape_annotation_data(f"{self.field}: {self.message}" if self.field else self.message)
        properties = ",".join(
            f"{key}={_escape_annotation_property(str(value))}"
            for key, value in (("file", self.path), ("line", self.line), ("title", f"awesome-lora {self.rule}"))
        )
        return f"::{self.severity.value} {properties}::{message}"


def _escape_annotation_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_annotation_property(text: str) -> str:
    return _escape_annotation_data(text).replace(":", "%3A").replace(",", "%2C")


class ProblemsFound(Exception):
    """Raised by a step that cannot go on because its input has errors; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
