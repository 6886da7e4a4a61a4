"""Turning pydantic's validation errors into located problems (``file:line: field: message``)."""

from __future__ import annotations

from pydantic import ValidationError

from .problems import Problem
from .yamlfile import YamlDocument


def field_name(location: tuple[str | int, ...]) -> str:
    """``('authors', 2)`` → ``authors[2]``, the way a contributor would point at it."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def problems_from_validation_error(
    error: ValidationError,
    display: str,
    document: YamlDocument,
    rule: str = "schema",
    hints: dict[str, str] | None = None,
) -> list[Problem]:
    """One problem per pydantic error; ``hints`` say in words what a field's pattern expects."""
    hints = hints or {}
    problems = []
    for detail in error.errors(include_url=False):
        location = tuple(part for part in detail["loc"] if not _is_pydantic_tag(part))
        message = detail["msg"]
        kind = detail["type"]
        if kind == "extra_forbidden":
            message = "unknown field"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "string_pattern_mismatch" and str(location[-1]) in hints:
            message = f"{hints[str(location[-1])]}, got {detail['input']!r}"[:300]
        elif kind.endswith("_type") and "input" in detail:
            message = f"{message}, got {type(detail['input']).__name__} {detail['input']!r}"[:300]
        problems.append(Problem(display, document.line_of(location), field_name(location), message, rule))
    return problems


def _is_pydantic_tag(part: str | int) -> bool:
    # Pydantic adds the name of a function validator or union branch to a location; a person does not.
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)
