"""Tabular core: loading and screening tables, the model, exact Shapley values, records and the CLI."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from textlens import InputFileError, TextlensError
from textlens.cli.main import main
from textlens.tabular import TabularDataError, explain_row, explain_values, load_table, predict_values, screen, train
from textlens.tabular.data import Table
from textlens.tabular.explain import dataset_view
from textlens.tabular.shapley import exact, permutation
from textlens.types import TabularExplanation, record_from_dict, record_from_json


@pytest.fixture(scope="module")
def penguins():
    return train(load_table("penguins"), "species")


def synthetic(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """A table whose label depends on column ``a`` only; the others are noise."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, n)
    return pd.DataFrame(
        {
            "a": a,
            "b": rng.uniform(-1, 1, n),
            "c": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], n),
            "label": np.where(a > 0, "high", "low"),
        }
    )


def additivity_gap(result: TabularExplanation) -> float:
    return max(
        abs(result.base_values[i] + sum(f.values[i] for f in result.features) - result.scores[i])
        for i in range(len(result.labels))
    )


def test_penguins_inputs_and_accuracy(penguins):
    assert penguins.labels == ("Adelie", "Chinstrap", "Gentoo")
    assert penguins.schema.names == (
        "island",
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
        "sex",
    )
    assert dict(penguins.schema.left_out)["year"].startswith("year of the field season")
    assert penguins.schema.feature("sex").levels == ("female", "male")
    assert penguins.schema.feature("sex").has_missing
    flipper = penguins.schema.feature("flipper_length_mm")
    assert (flipper.low, flipper.high, flipper.step) == (172.0, 231.0, 1.0)
    assert penguins.schema.feature("bill_depth_mm").step == pytest.approx(0.1)
    assert 0.95 <= penguins.cv_accuracy <= 1.0 and penguins.cv_folds == 5


@pytest.mark.parametrize("row", [0, 3, 10, 200, 300])  # row 3 has every measurement missing
def test_additive_per_class_and_matches_the_model(penguins, row):
    result = explain_row(penguins, row)
    assert result.method == "exact"
    assert additivity_gap(result) <= 1e-6
    direct = penguins.predict_proba(penguins.encode(result.inputs())[None])[0]
    assert np.allclose(result.scores, direct, atol=1e-9)
    assert np.allclose(sum(result.base_values), 1.0)


def test_missing_and_categorical_inputs(penguins):
    result = explain_row(penguins, 3)
    inputs = result.inputs()
    assert inputs["bill_length_mm"] is None and inputs["sex"] is None and inputs["island"] == "Torgersen"
    changed = explain_values(penguins, {**inputs, "island": "Biscoe", "flipper_length_mm": "225", "sex": "male"})
    assert changed.inputs()["flipper_length_mm"] == 225.0
    assert additivity_gap(changed) <= 1e-6
    assert changed.scores != result.scores
    assert [f.display for f in changed.for_label("Gentoo")][-1] == "sex = male"
    assert [f.display for f in result.for_label()][1] == "bill_length_mm = missing"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"island": "Mars"}, "'Mars' is not a value of island; the data has: 'Biscoe', 'Dream', 'Torgersen'"),
        ({"flipper_length_mm": "long"}, "flipper_length_mm must be a number"),
        ({"flipper_length_mm": math.inf}, "must be a finite number"),
        ({"wings": 2}, "'wings' is not an input of this model"),
    ],
)
def test_bad_inputs_are_clear_errors(penguins, values, message):
    with pytest.raises(TabularDataError, match=message.replace("(", r"\(")):
        explain_values(penguins, values)


def test_exact_matches_shapley_formula_over_permutations():
    rng = np.random.default_rng(1)
    weights = rng.normal(size=(4, 2))

    def predict(rows):  # a non-additive function: interactions between features
        z = rows @ weights + rows[:, [0]] * rows[:, [1]] - np.maximum(rows[:, [2]], rows[:, [3]])
        return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)

    x, background = rng.normal(size=4), rng.normal(size=(7, 4))

    def v(members):
        rows = background.copy()
        rows[:, list(members)] = x[list(members)]
        return predict(rows).mean(axis=0)

    reference = np.zeros((4, 2))
    orders = list(itertools.permutations(range(4)))
    for order in orders:
        for k, j in enumerate(order):
            reference[j] += v(order[: k + 1]) - v(order[:k])
    reference /= len(orders)
    values, base, output = exact(predict, x, background)
    assert np.allclose(values, reference, atol=1e-12)
    assert np.allclose(base + values.sum(axis=0), output, atol=1e-12)
    sampled, base_p, output_p = permutation(predict, x, background, permutations=24)
    assert np.allclose(base_p + sampled.sum(axis=0), output_p, atol=1e-12)  # additive by construction
    assert np.abs(sampled - reference).max() < 0.1


def test_only_the_label_column_gets_attribution():
    model = train(Table("synthetic.csv", synthetic()), "label")
    assert model.cv_accuracy > 0.9
    for row in range(5):
        result = explain_row(model, row)
        values = {f.name: abs(f.values[0]) for f in result.features}
        assert values["a"] >= 0.9 * sum(values.values()), values
        assert additivity_gap(result) <= 1e-6


def test_training_and_explaining_are_deterministic():
    first, second = (train(Table("synthetic.csv", synthetic()), "label") for _ in range(2))
    assert first.fingerprint == second.fingerprint and first.cv_accuracy == second.cv_accuracy
    a, b = explain_row(first, 7), explain_row(second, 7)
    assert (a.scores, a.base_values, a.features) == (b.scores, b.base_values, b.features)  # bit for bit


def test_record_round_trips_through_the_protocol(penguins):
    result = explain_row(penguins, 5)
    assert record_from_json(result.to_json()) == result
    assert record_from_dict(json.loads(json.dumps(result.to_dict()))) == result
    prediction = predict_values(penguins, result.inputs())
    assert np.allclose(prediction.scores, result.scores, atol=1e-9)
    assert record_from_dict(prediction.to_dict()) == prediction
    assert result.settings["background_rows"] and "50 training rows" in result.background


def test_dataset_view_shapes_and_mean(penguins):
    seen = []
    view = dataset_view(penguins, max_rows=12, progress=lambda done, total: seen.append((done, total)))
    assert view.values.shape == (12, 6, 3) and view.mean_abs.shape == (6, 3)
    assert seen[-1] == (12 * 64 * 50, 12 * 64 * 50) and len(seen) == 12
    assert np.nanmax(view.colour) <= 1.0 and np.nanmin(view.colour) >= 0.0
    one = explain_row(penguins, view.rows[0])
    assert np.allclose(view.values[0][:, 0], [f.values[0] for f in one.features])


def test_screening_leaves_out_unusable_columns_with_reasons():
    n = 60
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "comment": [f"the delivery was late again and support did not answer ticket {i}" for i in range(n)],
            "signup": pd.date_range("2024-01-01", periods=n).astype(str),
            "email": [f"user{i}@example.com" for i in range(n)],
            "country": ["NL"] * n,
            "blank": [None] * n,
            "age": rng.integers(18, 80, n).astype(float),
            "plan": rng.choice(["basic", "pro"], n),
            "churned": rng.choice(["yes", "no"], n),
        }
    )
    schema = screen(frame, "churned")
    reasons = dict(schema.left_out)
    assert schema.names == ("age", "plan")
    assert reasons["customer_id"].startswith("identifier")
    assert reasons["comment"].startswith("free text")
    assert reasons["signup"].startswith("dates")
    assert reasons["email"].startswith("near-unique")
    assert reasons["country"].startswith("constant")
    assert reasons["blank"].startswith("empty")


@pytest.mark.parametrize(
    ("content", "target", "message"),
    [
        (b"", "y", "is empty"),
        (b"only\n1\n2\n", "only", "has one column"),
        (b"a,y\n1,x\n2,x\n", "z", "No column 'z'; the columns are: a, y"),
        (b"a,y\n" + b"".join(b"%d,same\n" % i for i in range(20)), "y", "has one class"),
        (b"a,y\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(300)), "y", "has 300 different values"),
        (b"a,y\n" + b"".join(b"%d,%s\n" % (i, b"ab"[i % 2 : i % 2 + 1]) for i in range(20)) + b"5,c\n", "y", "single"),
        (b"\x00\x01\x02binary", "y", "looks binary"),
        (b"a,y\n1,x\n", "y", "has one class"),
    ],
)
def test_csv_failures_are_clear(tmp_path, content, target, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises((TabularDataError, InputFileError), match=message):
        train(load_table(str(path)), target)


def test_hostile_names_and_values_stay_literal(tmp_path):
    rng = np.random.default_rng(0)
    n = 80
    weird = "<b>bold</b> & =x"
    level = "<script>alert(1)</script>"
    frame = pd.DataFrame(
        {
            weird: rng.uniform(0, 1, n).round(2),
            "kind": rng.choice([level, "**md**", "a=b"], n),
            "y": rng.choice(["<i>yes</i>", "no"], n),
        }
    )
    path = tmp_path / "weird.csv"
    frame.to_csv(path, index=False)
    model = train(load_table(str(path)), "y")
    assert model.schema.names == (weird, "kind") and model.labels == ("<i>yes</i>", "no")
    assert set(model.schema.feature("kind").levels) == {level, "**md**", "a=b"}
    result = explain_values(model, {weird: 0.5, "kind": level})
    assert result.for_label("<i>yes</i>")[1].display == f"kind = {level}"
    assert result.features[0].name == weird


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["tabular", "explain", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_the_explanation(capsys):
    code, out, err = run(capsys, "--data", "penguins", "--row", "0", "--class", "Gentoo", "--set", "sex=")
    assert code == 0, err
    data = json.loads(out)
    assert {"model", "target", "class", "base_value", "scores", "features"} <= set(data)
    assert data["class"] == "Gentoo" and data["target"] == "species"
    assert data["features"][-1] == {"name": "sex", "value": None, "attribution": data["features"][-1]["attribution"]}
    total = data["base_value"] + sum(f["attribution"] for f in data["features"])
    assert abs(total - data["scores"]["Gentoo"]) <= 1e-6


def test_cli_set_on_hostile_column_names(tmp_path, capsys):
    frame = synthetic(80).rename(columns={"a": "a=b"})
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, "--data", str(path), "--target", "label", "--row", "1", "--set", "a=b=0.7")
    assert code == 0, err
    assert json.loads(out)["features"][0] == {**json.loads(out)["features"][0], "name": "a=b", "value": 0.7}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--data", "penguins", "--row", "0", "--set", "island=Mars"], "'Mars' is not a value of island"),
        (["--data", "penguins", "--row", "0", "--set", "wings=2"], "no such input"),
        (["--data", "penguins", "--row", "0", "--set", "wings"], "needs NAME=VALUE"),
        (["--data", "penguins", "--row", "999"], "Row 999 does not exist"),
        (["--data", "penguins", "--row", "0", "--class", "Emperor"], "Unknown label 'Emperor'"),
        (["--data", "penguins", "--target", "island", "--row", "0", "--class", "Emperor"], "Unknown label"),
        (["--data", "missing.csv", "--target", "y", "--row", "0"], "is not a file"),
        (["--data", "penguins", "--target", "nope", "--row", "0"], "No column 'nope'"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_errors_are_textlens_errors():
    assert issubclass(TabularDataError, TextlensError)


def test_a_tabular_case_is_stored_in_a_review_pack_exactly(penguins, tmp_path):
    from textlens.store import open_store, provenance_of

    result = explain_row(penguins, 3, {"island": "Dream"})
    store = open_store(tmp_path / "packs.db")
    pack = store.create_pack("penguins", owner="tester")
    store.add_case(pack.id, result, "Chinstrap", provenance=provenance_of(penguins, result), source="tabular")
    case = store.cases(pack.id)[0]
    assert case.result() == result and case.target == "Chinstrap" and case.kind == "tabular"
