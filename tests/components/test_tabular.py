"""The Tabular page's form and what-if logic without AppTest: the target's guess, a row's widget values, the
explanation drawn faintly behind the current one.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from components.tabular import MISSING, form_state, level_options, previous_explanation, target_guess, widget_key


def feature(name, numeric=True, has_missing=False, low=0.0, high=10.0, levels=()):
    return SimpleNamespace(name=name, numeric=numeric, has_missing=has_missing, low=low, high=high, levels=levels)


MODEL = SimpleNamespace(
    fingerprint="0123456789abcdef",
    features=(
        feature("mass", has_missing=True, low=2.0, high=6.0),
        feature("island", numeric=False, has_missing=True, levels=("Biscoe", "Dream")),
        feature("year", low=2007, high=2009),
    ),
)


def test_target_guess_is_the_last_column_with_2_to_20_classes():
    frame = pd.DataFrame({"species": ["a", "b", "a"], "mass": [1.0, 2.0, 3.0], "id": [1, 1, 1]})
    assert target_guess(frame) == 1  # 'mass' has 3 values; 'id' has one
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [4, 5, 6]})
    assert target_guess(frame.iloc[:1]) == 1, "no column fits: the last one"


def test_level_options_offer_missing_only_where_the_data_has_it():
    assert level_options(MODEL.features[1]) == ["Biscoe", "Dream", MISSING]
    assert level_options(feature("sex", numeric=False, levels=("f", "m"))) == ["f", "m"]


def test_widget_keys_name_the_model_input_and_part():
    assert widget_key(MODEL, 2, "slider") == "tabular_0123456789ab_2_slider"


def test_form_state_shows_a_row_clipping_the_slider_only():
    state = form_state(MODEL, {"mass": 7.5, "island": "Dream", "year": 2008})
    assert state == {
        "tabular_0123456789ab_0_missing": False,
        "tabular_0123456789ab_0_number": 7.5,
        "tabular_0123456789ab_0_slider": 6.0,  # beyond the observed range: the slider stops at its end
        "tabular_0123456789ab_1_choice": 1,
        "tabular_0123456789ab_2_number": 2008.0,
        "tabular_0123456789ab_2_slider": 2008.0,
    }


def test_form_state_of_missing_values_ticks_missing_and_leaves_the_number():
    state = form_state(MODEL, {"mass": None, "island": None, "year": 2007})
    assert state["tabular_0123456789ab_0_missing"] is True
    assert "tabular_0123456789ab_0_number" not in state and "tabular_0123456789ab_0_slider" not in state
    assert state["tabular_0123456789ab_1_choice"] == 2  # "— missing —"


def explanation(model="m", labels=("a", "b"), **inputs):
    return SimpleNamespace(model_id=model, labels=labels, inputs=lambda: dict(inputs))


def test_the_previous_explanation_is_the_one_before_the_inputs_changed():
    before, now = explanation(x=1), explanation(x=2)
    assert previous_explanation(None, now, None) is None, "the first explanation has nothing behind it"
    assert previous_explanation(before, now, None) is before
    older = explanation(x=0)
    assert previous_explanation(now, explanation(x=2), older) is older, "a rerun with the same inputs keeps it"
    assert previous_explanation(before, explanation(model="other", x=2), older) is None, "another model"
    assert previous_explanation(before, explanation(labels=("a", "c"), x=2), older) is None, "other classes"
