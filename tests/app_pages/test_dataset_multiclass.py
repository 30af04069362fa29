"""AppTest for the Dataset page with six classes: the bundled emotion model on 150 labelled tweets. Every number the
page shows (accuracy, macro- and weighted F1, the per-class table, the 6×6 confusion, top-label ECE, likely label
errors) equals an independent computation (scikit-learn, cleanlab), and the word drivers are per class.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from components.state import models
from tests.apptest_helpers import TIMEOUT, button
from tests.conftest import ROOT

PAGE = "app_pages/dataset.py"
EMOTION = ROOT.parent / "shared" / "data" / "emotion" / "validation.tsv"
ROWS = 150


@pytest.fixture(scope="module")
def tweets(tmp_path_factory):
    if not EMOTION.is_file():
        pytest.skip(f"the emotion data is not at {EMOTION} (it exists beside the repo in CI, not on users' machines)")
    path = tmp_path_factory.mktemp("tweets") / "tweets.tsv"
    frame = pd.read_csv(EMOTION, sep="\t").head(ROWS)
    frame.to_csv(path, sep="\t", index=False)
    return path, frame


def independent(frame: pd.DataFrame):
    """The emotion model's predictions of the tweets, and their labels as indices, computed outside the page."""
    from textlens import load_classifier

    classifier = load_classifier("emotion")
    probs = classifier.predict(frame["text"].tolist())
    truth = np.array([classifier.labels.index(label) for label in frame["label"]])
    return classifier.labels, truth, probs


def test_six_emotion_classes_every_number_right(tweets):
    path, frame = tweets
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state[models.MODEL_KEY] = "emotion"  # picked in the sidebar before
    at.run()
    at.switch_page(PAGE)
    at.run()
    at.file_uploader(key="dataset_upload").set_value(("tweets.tsv", path.read_bytes(), "text/tab-separated-values"))
    at.run()
    label_box = next(s for s in at.selectbox if s.label == "True label column")
    if label_box.value != "label":
        label_box.set_value("label").run()
    button(at, f"Predict all {ROWS} rows").click()
    at.run()
    assert not at.exception, at.exception

    labels, truth, probs = independent(frame)
    predicted, confidence = probs.argmax(axis=1), probs.max(axis=1)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Accuracy"] == f"{sk.accuracy_score(truth, predicted):.1%}"
    assert shown["Macro-F1"] == f"{sk.f1_score(truth, predicted, average='macro'):.3f}"
    assert shown["Labelled rows"] == f"{ROWS}" and shown["Errors"] == f"{int((truth != predicted).sum())}"
    correct = predicted == truth
    bins = np.minimum((confidence * 10).astype(int), 9)
    ece = sum(abs(correct[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).mean() for b in set(bins))
    assert shown["Calibration error (ECE)"] == f"{ece:.3f}"  # top-label: the predicted class's probability
    summary = next(re.sub(r"\\(.)", r"\1", c.value) for c in at.caption if "weighted F1" in c.value)
    assert f"weighted F1 {sk.f1_score(truth, predicted, average='weighted'):.3f}" in summary

    table = at.dataframe[0].value.set_index("label")
    p, r, f, s = sk.precision_recall_fscore_support(truth, predicted, labels=range(6), zero_division=0)
    assert table.loc[list(labels), "precision"].tolist() == pytest.approx(p.tolist())
    assert table.loc[list(labels), "recall"].tolist() == pytest.approx(r.tolist())
    assert table.loc[list(labels), "f1"].tolist() == pytest.approx(f.tolist())
    assert table.loc[list(labels), "support"].tolist() == s.tolist()
    assert table.loc["weighted average", "f1"] == pytest.approx(sk.f1_score(truth, predicted, average="weighted"))

    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    counts = [int(a["text"].split("<br>")[0].strip("<b>/").replace(",", "")) for a in chart["layout"]["annotations"]]
    assert np.array(counts).reshape(6, 6).tolist() == sk.confusion_matrix(truth, predicted).tolist()
    assert chart["layout"]["xaxis"]["ticktext"] == list(labels)
    matrix = sk.confusion_matrix(truth, predicted)
    for i, label in enumerate(labels):  # the classes it mixes up: each class's errors go most to this one
        errors = matrix[i].copy()
        errors[i] = 0
        worst = table.loc[label, "most often predicted as"]
        assert worst == ("" if errors.max() == 0 else f"{labels[int(errors.argmax())]} ({errors.max()} of {s[i]})")

    at.session_state["dataset_label_issues_open"] = True
    at.run()
    from cleanlab.filter import find_label_issues

    flagged = int(find_label_issues(truth, probs / probs.sum(axis=1, keepdims=True), n_jobs=1).sum())
    (section,) = [e for e in at.expander if e.label.startswith("Likely label errors")]
    assert section.label == f"Likely label errors: {flagged} of {ROWS} labelled rows"

    if any(r.key == "dataset_word_method" for r in at.radio):  # once the emotion model has a one-pass explainer
        at.radio(key="dataset_word_method").set_value("Exact, a sample").run()
    at.number_input(key="dataset_sample_n").set_value(1).run()  # one row keeps the test fast; any row has six classes
    button(at, "Explain 1 row").click()
    at.run()
    assert not at.exception, at.exception
    toward = at.selectbox(key="dataset_word_target")
    assert toward.options == list(labels)
    toward.set_value("anger").run()
    assert not at.exception, at.exception
    assert any("Mean attribution toward anger" in c.value for c in at.caption)


def test_a_multi_label_model_gets_per_label_metrics_and_no_one_label_numbers(tmp_path):
    from tests.conftest import make_tiny_model
    from textlens import load_classifier
    from textlens.text.multilabel import MULTI_LABEL

    labels = ("toxic", "insult", "threat")
    folder = make_tiny_model(tmp_path / "toxic", labels=labels, seed=4, problem_type=MULTI_LABEL, spread=0.5)
    texts = [f"comment number {i} says {w}" for i, w in enumerate(["you idiot", "lovely", "i will find you"] * 10)]
    cells = ["toxic;insult", "", "threat", "insult", "toxic", "threat;toxic"] * 5
    data = "text,labels\n" + "".join(f'"{t}",{c}\n' for t, c in zip(texts, cells))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state[models.MODEL_KEY] = str(folder)
    at.run()
    at.switch_page(PAGE)
    at.run()
    at.file_uploader(key="dataset_upload").set_value(("toxic.csv", data.encode(), "text/csv"))
    at.run()
    next(s for s in at.selectbox if s.label == "True label column").set_value("labels").run()
    button(at, "Predict all 30 rows").click()
    at.run()
    assert not at.exception, at.exception

    probs = load_classifier(str(folder)).predict(texts)
    truth = np.array([[int(label in c.split(";")) for label in labels] for c in cells])
    shown = {m.label: m.value for m in at.metric}
    assert "Accuracy" not in shown and "Calibration error (ECE)" not in shown  # one-label numbers would be wrong
    for threshold in (0.5, 0.3):
        predicted = (probs >= threshold).astype(int)
        if threshold != 0.5:
            at.number_input(key="dataset_threshold").set_value(threshold).run()
            assert not at.exception, at.exception
            shown = {m.label: m.value for m in at.metric}
        assert shown["Micro-F1"] == f"{sk.f1_score(truth, predicted, average='micro', zero_division=0):.3f}"
        assert shown["Macro-F1"] == f"{sk.f1_score(truth, predicted, average='macro', zero_division=0):.3f}"
        assert shown["Subset accuracy"] == f"{sk.accuracy_score(truth, predicted):.1%}"
        assert shown["Hamming loss"] == f"{sk.hamming_loss(truth, predicted):.3f}"
        table = at.dataframe[0].value.set_index("label")
        f1 = sk.f1_score(truth, predicted, average=None, zero_division=0)
        assert table.loc[list(labels), "f1"].tolist() == pytest.approx(f1.tolist())
    assert any("5 rows with an empty label cell read as none of the labels" in i.value for i in at.info)
    assert not any("not the model" in w.value for w in at.warning)  # 'toxic;insult' matched as two labels
