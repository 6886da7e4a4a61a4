from __future__ import annotations

import pytest
import yaml

from awesome_lora.yamlfile import Loader, YamlError, dump_yaml, load_yaml, parse_yaml

BOTH_READERS = pytest.mark.parametrize("read", [load_yaml, parse_yaml], ids=["values", "located"])


def test_uses_the_libyaml_c_loader_when_present():
    if hasattr(yaml, "CSafeLoader"):
        assert Loader is yaml.CSafeLoader


def test_lines_of_keys_and_list_items():
    document = parse_yaml("id: x\nauthors:\n- A\n- B\ntitle: T\n")
    assert document.data == {"id": "x", "authors": ["A", "B"], "title": "T"}
    assert document.line_of(("id",)) == 1
    assert document.line_of(("authors", 1)) == 4
    assert document.line_of(("title",)) == 5
    assert document.line_of(("authors", 7)) == 2  # falls back to the enclosing value


@BOTH_READERS
def test_duplicate_key_is_an_error_with_both_lines(read):
    with pytest.raises(YamlError) as caught:
        read("id: a\ntitle: one\nvenue: x\ntitle: two\n")
    assert caught.value.line == 4
    assert "duplicate key 'title'" in caught.value.message
    assert "line 2" in caught.value.message


@pytest.mark.parametrize(
    ("text", "line"),
    [("id: a\n\ttitle: b\n", 2), ("id: a\ntitle: 'unclosed\nid: a\n", 2), ("a: [1, 2\nb: 3\n", 2)],
)
@BOTH_READERS
def test_malformed_yaml_is_located(text, line, read):
    with pytest.raises(YamlError) as caught:
        read(text)
    assert caught.value.line == line
    assert caught.value.message.startswith("invalid YAML")


def test_alias_bomb_is_not_expanded_while_indexing():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(12)
    )
    document = parse_yaml(bomb)  # 4**12 paths if aliases were walked; returns at once instead
    assert len(document.lines) < 200
    values = load_yaml(bomb)
    assert values["m"][0] is values["l"]  # an alias is the anchor's value, built once


def test_dump_keeps_order_and_unicode():
    text = dump_yaml({"title": "Ünïcode: ok", "authors": ["Ahmet Üstün"], "a": 1})
    assert text.splitlines()[0] == "title: 'Ünïcode: ok'"
    assert "Ahmet Üstün" in text
    assert parse_yaml(text).data == {"title": "Ünïcode: ok", "authors": ["Ahmet Üstün"], "a": 1}


def test_values_are_exactly_pyyamls_on_every_shipped_record():
    from .conftest import REPO

    for path in sorted((REPO / "papers").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert load_yaml(text) == parse_yaml(text).data == yaml.load(text, Loader=Loader), path.name


@pytest.mark.parametrize(
    "text",
    [
        "a: 0x1F\nb: 1_000\nc: 1.5e3\nd: .inf\ne: ~\nf: yes\ng: 2024-02-01\nh: 2024-02\ni: '007'\nj: !!str 12\n",
        "base: &b {x: 1, y: [2, 3]}\nother:\n  <<: *b\n  y: [4]\n",
        "base: &b {x: 1}\nother:\n  y: 1\n  y: 2\n  <<: *b\n",  # a mapping that merges is PyYAML's, whole
        "list: &l [a, b]\nagain: *l\n",
        "? plain\n: value\nempty:\nnested: {a: {b: [{c: d}]}}\n",
        "a: [True, FALSE, On, off, Yes, n, NULL, Null, null, '', ~]\n",
        "b: [+1, -2, 0o17, 0b101, -.5, 1:30, 2024-02-01 10:00:00]\n",
        "a: ['true', \"~\", '12', \"2024-02-01\"]\nb: !!set {x, y}\nc: !!omap [p: 1, q: 2]\nd: !!pairs [r: 3]\n",
        "'=': equals\n!!str 1: one\n? !!int '2'\n: two\n",
    ],
)
def test_values_are_exactly_pyyamls_on_unusual_yaml(text):
    expected = yaml.load(text, Loader=yaml.SafeLoader)  # PyYAML's own resolver, in Python
    assert load_yaml(text) == parse_yaml(text).data == yaml.load(text, Loader=Loader) == expected


@BOTH_READERS
def test_non_scalar_keys_are_refused_with_a_line(read):
    with pytest.raises(YamlError) as caught:
        read("id: x\n[a, b]: c\n")
    assert caught.value.line == 2
