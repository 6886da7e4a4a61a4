"""The exported JSON Schema (for editors) agrees with the pydantic model on real and broken records."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from awesome_lora.editor_schema import MODELINE, SCHEMA_FILE

from .conftest import REPO, minimal_record


def as_editor_sees_it(data):
    """YAML 1.2 (what yaml-language-server reads) has no date type: dates are strings."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((REPO / SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_shipped_record_points_to_the_schema_and_passes_it(validator):
    records = sorted((REPO / "papers").glob("*.yaml"))
    assert records
    for path in records:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == MODELINE, path.name
        errors = list(validator.iter_errors(as_editor_sees_it(yaml.safe_load(text))))
        assert errors == [], (path.name, [e.message for e in errors])


@pytest.mark.parametrize(
    "change",
    [
        {"categories": ["not-a-leaf"]},
        {"categories": ["dynamic-rank-allocation"]},
        {"colour": "red"},
        {"code": ["javascript:alert(1)"]},
        {"date": "2024-13"},
        {"venue": "ICML `2024`"},
        {"authors": []},
    ],
)
def test_broken_records_fail_the_editor_schema(validator, change):
    record = as_editor_sees_it(minimal_record(**change))
    assert not validator.is_valid(record)


def test_category_choices_carry_titles_for_completion(validator):
    choices = validator.schema["properties"]["categories"]["items"]["oneOf"]
    assert {"const": "svd-based-methods", "title": "SVD-Based Methods"}.items() <= next(
        choice for choice in choices if choice["const"] == "svd-based-methods"
    ).items()
    assert validator.is_valid(as_editor_sees_it(minimal_record(date=2019)))
