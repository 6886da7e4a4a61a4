"""The paper record: one ``papers/<id>.yaml`` file, checked strictly.

Unknown keys are errors (a typo must not silently drop a value), and categories must be leaves of
``taxonomy.yaml``, which is passed in the validation context.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

# Characters a one-line text field must not contain: control characters (newlines included) and the
# invisible bidirectional overrides that can make a title display differently from what it says.
_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s")
ARXIV_NEW_STYLE = r"\d{4}\.\d{4,5}"
ARXIV_OLD_STYLE = r"[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID_PATTERN = re.compile(rf"^(?:{ARXIV_NEW_STYLE}|{ARXIV_OLD_STYLE})$")
PAPER_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PAPER_DATE_PATTERN = r"^\d{4}(?:-(?:0[1-9]|1[0-2]))?$"
VENUE_PATTERN = r"^\w[\w .,&@()'/:+-]*$"
URL_PATTERN = r"^https?://[^\s]+$"  # for editors; the validator below checks more


def _one_line(value: str) -> str:
    if value != value.strip():
        raise PydanticCustomError("whitespace", "has leading or trailing white space")
    match = _FORBIDDEN_CHARACTERS.search(value)
    if match:
        code = f"U+{ord(match[0]):04X}"
        raise PydanticCustomError(
            "control_character", "contains the invisible control character {code}", {"code": code}
        )
    if "  " in value:
        raise PydanticCustomError("whitespace", "contains a run of several spaces")
    return value


def check_http_url(value: str) -> str:
    """Only absolute http(s) links with a host: no ``javascript:``, ``data:`` or relative links."""
    if _WHITESPACE.search(value) or _FORBIDDEN_CHARACTERS.search(value):
        raise PydanticCustomError("url", "a link must not contain spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise PydanticCustomError("url", "only http(s) links are allowed, got {url}", {"url": repr(value[:80])})
    if not parts.hostname or "." not in parts.hostname:
        raise PydanticCustomError("url", "a link needs a host name, got {url}", {"url": repr(value[:80])})
    return value


def _paper_date(value: Any) -> Any:
    # `date: 2023` is read by YAML as a number; a year alone is allowed when the month is unknown.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _check_paper_date(value: str) -> str:
    year = int(value[:4])
    if not 1990 <= year <= 2100:
        raise PydanticCustomError("date", "year {year} is not plausible", {"year": year})
    return value


OneLine = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_one_line)]
HttpUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(check_http_url)]
PaperId = Annotated[str, StringConstraints(pattern=PAPER_ID_PATTERN, max_length=80)]
ArxivId = Annotated[str, StringConstraints(pattern=ARXIV_ID_PATTERN.pattern)]
PaperDate = Annotated[
    str,
    BeforeValidator(_paper_date),
    StringConstraints(pattern=PAPER_DATE_PATTERN),
    AfterValidator(_check_paper_date),
]
# Shown in a code span in README.md: no backticks; only what venue names use.
Venue = Annotated[OneLine, StringConstraints(pattern=VENUE_PATTERN, max_length=100)]
Badge = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 .+]*$", max_length=30)]

# What a field expects, said in words when its pattern does not match (instead of the regular expression).
PATTERN_HINTS = {
    "id": "must be a kebab-case id: lower-case letters, digits and single '-' (the file is papers/<id>.yaml)",
    "date": "must be the year and month of the first public version, 'YYYY-MM' (or just the year 'YYYY')",
    "arxiv": "must be an arXiv id without version, e.g. '2402.09353' or 'hep-th/9901001'",
    "venue": "may hold letters, digits, spaces and . , & @ ( ) ' / : + - only",
    "architecture": "must be a short badge text: letters, digits, spaces, '.' and '+'",
    "size": "must be a short badge text: letters, digits, spaces, '.' and '+'",
}

FIELD_ORDER = (
    "id", "title", "authors", "venue", "date", "arxiv", "pdf", "code",
    "categories", "architecture", "size", "added",
)  # fmt: skip


class Paper(BaseModel):
    """One paper of the list."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: PaperId = Field(description="Stable id; the file is papers/<id>.yaml.")
    title: OneLine = Field(description="The paper's title, as published.")
    authors: list[OneLine] = Field(min_length=1, max_length=500, description="Authors in the paper's order.")
    venue: Venue = Field(description="Where it appeared, e.g. 'ICLR 2024', 'NeurIPS 2023 Workshop', or 'preprint'.")
    date: PaperDate = Field(description="Year and month of the first public version, 'YYYY-MM' (or 'YYYY').")
    arxiv: ArxivId | None = Field(default=None, description="arXiv id without version, e.g. 2402.09353.")
    pdf: HttpUrl | None = Field(default=None, description="Link to the paper (PDF or landing page).")
    code: list[HttpUrl] = Field(default_factory=list, description="Links to code.")
    categories: list[str] = Field(min_length=1, description="Leaf ids of taxonomy.yaml.")
    architecture: Badge | None = Field(default=None, description="Architecture badge, e.g. DecoderOnly.")
    size: Badge | None = Field(default=None, description="Model size badge, e.g. LLM.")
    added: dt.date = Field(description="The day the paper joined the list.")

    @field_validator("categories")
    @classmethod
    def _categories_are_leaves(cls, categories: list[str], info: ValidationInfo) -> list[str]:
        taxonomy = (info.context or {}).get("taxonomy")
        if len(set(categories)) != len(categories):
            raise PydanticCustomError("categories", "a category is listed twice")
        if taxonomy is None:
            return categories
        for category in categories:
            if not taxonomy.is_leaf(category):
                closest = taxonomy.closest_leaves(category)
                kind = "a section, not a leaf" if category in taxonomy else "not in taxonomy.yaml"
                hint = f"; closest: {', '.join(closest)}" if closest else ""
                raise PydanticCustomError("category", "'{category}' is {kind}{hint}", {
                    "category": category, "kind": kind, "hint": hint,
                })  # fmt: skip
        return categories

    @field_validator("date")
    @classmethod
    def _date_not_in_future(cls, value: str, info: ValidationInfo) -> str:
        today = (info.context or {}).get("today") or dt.date.today()
        if value > today.isoformat()[: len(value)]:  # 'YYYY' or 'YYYY-MM' compare as text
            raise PydanticCustomError("date", "{value} is in the future", {"value": value})
        return value

    @field_validator("added")
    @classmethod
    def _added_not_in_future(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        today = (info.context or {}).get("today") or dt.date.today()
        if value > today:
            raise PydanticCustomError("date", "{value} is in the future", {"value": value.isoformat()})
        return value

    @model_validator(mode="after")
    def _has_a_link(self) -> Paper:
        if self.arxiv is None and self.pdf is None:
            raise PydanticCustomError("link", "a paper needs an `arxiv` id or a `pdf` link")
        return self

    @property
    def paper_url(self) -> str:
        """The link a reader follows to read the paper."""
        return self.pdf or f"https://arxiv.org/abs/{self.arxiv}"

    @property
    def year(self) -> int:
        return int(self.date[:4])

    def to_record(self) -> dict[str, Any]:
        """The record as written to YAML: fields in a fixed order, empty optional fields left out."""
        data = self.model_dump(exclude_none=True)
        if not data.get("code"):
            data.pop("code", None)
        return {key: data[key] for key in FIELD_ORDER if key in data}
