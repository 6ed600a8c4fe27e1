"""Sample data files: every format, CSV typing, record checks against the case file schema, and
how records are handed out to cases."""

from __future__ import annotations

import json
import random

import pytest

from studio.simulation.errors import SpecError
from studio.simulation.sampledata import Picker, load_records

SCHEMA = {
    "type": "object",
    "required": ["invoice"],
    "properties": {
        "invoice": {
            "type": "object",
            "properties": {
                "amount": {"type": "number", "minimum": 0},
                "lines": {"type": "integer"},
                "po_matched": {"type": "boolean"},
                "number": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "note": {"type": ["string", "null"]},
                "supplier": {"$ref": "#/$defs/supplier"},
            },
        }
    },
    "$defs": {"supplier": {"type": "object", "properties": {"code": {"type": "string"}}}},
}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_json_array_of_records(tmp_path):
    path = write(tmp_path, "invoices.json", json.dumps([{"invoice": {"amount": 10}}, {"x": 1}]))
    assert load_records(path, None) == [{"invoice": {"amount": 10}}, {"x": 1}]


def test_a_json_object_holding_one_array(tmp_path):
    path = write(tmp_path, "invoices.json", json.dumps({"invoices": [{"a": 1}, {"a": 2}]}))
    assert load_records(path, None) == [{"a": 1}, {"a": 2}]


def test_jsonl_skips_blank_lines(tmp_path):
    path = write(tmp_path, "invoices.jsonl", '{"a": 1}\n\n  \n{"a": 2}\n')
    assert load_records(path, None) == [{"a": 1}, {"a": 2}]


def test_csv_dotted_columns_build_nested_objects_and_values_are_guessed(tmp_path):
    path = write(
        tmp_path,
        "invoices.csv",
        "invoice.amount,invoice.po_matched,invoice.number,rate,code,comment\n"
        "1200,true,INV-1,0.5,007,\n"
        "-3,FALSE,42,1e3,x,hello\n",
    )
    assert load_records(path, None) == [
        {
            "invoice": {"amount": 1200, "po_matched": True, "number": "INV-1"},
            "rate": 0.5,
            "code": "007",
        },
        {
            "invoice": {"amount": -3, "po_matched": False, "number": 42},
            "rate": 1000.0,
            "code": "x",
            "comment": "hello",
        },
    ]


def test_csv_values_are_typed_by_the_schema(tmp_path):
    path = write(
        tmp_path,
        "invoices.csv",
        "invoice.amount,invoice.lines,invoice.po_matched,invoice.number,invoice.tags,invoice.note,invoice.supplier.code\n"
        '12,3,true,0042,"[""a"", ""b""]",,0099\n'
        "12.5,4.0,false,7,[],n,x\n",
    )
    first, second = load_records(path, SCHEMA)
    assert first == {
        "invoice": {
            "amount": 12,
            "lines": 3,
            "po_matched": True,
            "number": "0042",
            "tags": ["a", "b"],
            "note": "",
            "supplier": {"code": "0099"},
        }
    }
    assert second["invoice"]["amount"] == 12.5
    assert second["invoice"]["lines"] == 4 and isinstance(second["invoice"]["lines"], int)
    assert second["invoice"]["number"] == "7"
    assert second["invoice"]["tags"] == []


def test_csv_empty_cells_are_left_out_unless_the_schema_allows_null(tmp_path):
    schema = {"type": "object", "properties": {"due": {"type": ["integer", "null"]}}}
    path = write(tmp_path, "d.csv", "due,other,third\n,,x\n5,1,\n")
    assert load_records(path, schema) == [{"due": None, "third": "x"}, {"due": 5, "other": 1}]


def test_a_csv_value_of_the_wrong_type_is_named_with_its_line(tmp_path):
    path = write(tmp_path, "invoices.csv", "invoice.lines\n1\n\nmany\n")
    with pytest.raises(SpecError) as caught:
        load_records(path, SCHEMA)
    assert (
        str(caught.value) == "invoices.csv: line 4: invoice.lines: 'many' is not of type 'integer'"
    )


def test_an_invalid_jsonl_record_names_the_file_the_line_and_the_path(tmp_path):
    lines = [json.dumps({"invoice": {"amount": n}}) for n in range(15)]
    lines[14:14] = ["", json.dumps({"invoice": {"amount": -3}})]
    path = write(tmp_path, "invoices.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(SpecError) as caught:
        load_records(path, SCHEMA)
    error = caught.value
    assert (error.file, error.where) == ("invoices.jsonl", "line 16")
    assert str(error) == "invoices.jsonl: line 16: invoice.amount: -3 is less than the minimum of 0"


def test_an_invalid_json_record_is_named_by_its_number(tmp_path):
    path = write(tmp_path, "invoices.json", json.dumps([{"invoice": {}}, {"other": 1}]))
    with pytest.raises(
        SpecError, match=r"^invoices.json: record 2: 'invoice' is a required property$"
    ):
        load_records(path, SCHEMA)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("d.jsonl", '{"a": 1}\n{"a": \n', r"^d.jsonl: line 2: not JSON"),
        ("d.jsonl", '{"a": 1}\n[1, 2]\n', r"^d.jsonl: line 2: must be a JSON object$"),
        ("d.json", '{"a": [1], "b": [2]}', r"^d.json: must be an array of records"),
        ("d.json", "[{}, 3]", r"^d.json: record 2: must be an object$"),
        ("d.json", '[{"a": NaN}]', r"^d.json: not JSON: NaN is not a JSON number$"),
        ("d.csv", "a,b\n1,2,3\n", r"^d.csv: line 2: 3 values for 2 columns$"),
        ("d.csv", "a,a\n1,2\n", r'^d.csv: line 1: column "a" appears twice$'),
        ("d.csv", "a.b,a\n1,2\n", r'^d.csv: line 1: column "a" clashes with column "a.b"$'),
        ("d.csv", "a,,b\n1,2,3\n", r'^d.csv: line 1: column "" is not a name'),
    ],
)
def test_unreadable_contents_name_the_file_and_the_place(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(SpecError, match=message):
        load_records(path, None)


@pytest.mark.parametrize("text", ["[]", '{"invoices": []}'])
def test_a_file_without_records_is_refused(tmp_path, text):
    path = write(tmp_path, "invoices.json", text)
    with pytest.raises(SpecError) as caught:
        load_records(path, None)
    assert caught.value.where == "data.file"
    assert caught.value.reason == '"invoices.json" holds no records'


def test_an_empty_csv_or_jsonl_has_no_records(tmp_path):
    for name, text in (("d.csv", "a,b\n"), ("e.jsonl", "\n\n")):
        with pytest.raises(SpecError, match="holds no records"):
            load_records(write(tmp_path, name, text), None, where="data")


def test_file_problems_are_placed_where_the_sim_file_names_it(tmp_path):
    with pytest.raises(SpecError) as caught:
        load_records(tmp_path / "missing.csv", None, where="data.file")
    assert caught.value.where == "data.file" and "missing.csv" in caught.value.reason
    with pytest.raises(SpecError, match=r'"d.xml" is not \.json, \.jsonl, \.csv'):
        load_records(write(tmp_path, "d.xml", "<a/>"), None)
    not_utf8 = tmp_path / "d.jsonl"
    not_utf8.write_bytes(b'{"a": "\xff"}\n')
    with pytest.raises(SpecError, match="not UTF-8"):
        load_records(not_utf8, None)


def test_size_and_record_caps(tmp_path, monkeypatch):
    from studio.simulation import sampledata

    path = write(tmp_path, "d.jsonl", '{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    monkeypatch.setattr(sampledata, "MAX_RECORDS", 2)
    with pytest.raises(SpecError, match=r"^d.jsonl: line 3: more than 2 records$"):
        load_records(path, None)
    monkeypatch.setattr(sampledata, "MAX_BYTES", 10)
    with pytest.raises(SpecError, match="larger than 10 bytes"):
        load_records(path, None)


def test_a_broken_case_file_schema_is_reported(tmp_path):
    path = write(tmp_path, "d.jsonl", '{"a": 1}\n')
    with pytest.raises(SpecError, match="the case file schema is not valid"):
        load_records(path, {"type": "no-such-type"})


def test_sequential_picking_cycles_through_the_records_in_order():
    picker = Picker([{"n": 1}, {"n": 2}, {"n": 3}], "sequential", random.Random(0))
    assert [picker.next()["n"] for _ in range(7)] == [1, 2, 3, 1, 2, 3, 1]


def test_picked_records_are_copies():
    records = [{"invoice": {"amount": 1}}]
    picker = Picker(records, "sequential", random.Random(0))
    picker.next()["invoice"]["amount"] = 99
    assert picker.next() == {"invoice": {"amount": 1}}
    assert records == [{"invoice": {"amount": 1}}]


def test_random_picking_repeats_with_the_same_seed_and_reaches_every_record():
    records = [{"n": n} for n in range(5)]
    first = Picker(records, "random", random.Random(7))
    second = Picker(records, "random", random.Random(7))
    drawn = [first.next()["n"] for _ in range(200)]
    assert drawn == [second.next()["n"] for _ in range(200)]
    assert set(drawn) == set(range(5))
    assert drawn[:5] != [0, 1, 2, 3, 4]
