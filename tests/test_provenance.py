from textlens.provenance import provenance, versions


def test_versions_name_every_library():
    v = versions()
    for name in ("textlens", "shap", "transformers", "torch", "python"):
        assert v[name], name


def test_fingerprint_is_stable_and_sees_a_changed_weight(tiny_model_dir):
    import torch

    from textlens import load_classifier

    a, b = load_classifier(str(tiny_model_dir)), load_classifier(str(tiny_model_dir))
    assert a.fingerprint == b.fingerprint and len(a.fingerprint) == 64
    with torch.no_grad():  # one weight, moved by far more than bfloat16's resolution (the canonical dtype)
        next(b.model.parameters()).view(-1)[0] += 0.25
    b.__dict__.pop("fingerprint")
    assert b.fingerprint != a.fingerprint


def test_identity_is_the_same_in_another_folder_and_precision(tiny_model_dir, tmp_path):
    import shutil

    import torch
    from transformers import AutoModelForSequenceClassification

    from textlens import load_classifier
    from textlens.provenance import fingerprint_module

    here = load_classifier(str(tiny_model_dir))
    copy = shutil.copytree(tiny_model_dir, tmp_path / "somewhere" / "else")
    assert load_classifier(str(copy)).fingerprint == here.fingerprint
    assert load_classifier(str(copy), precision="bfloat16").fingerprint == here.fingerprint
    # Loaded with its weights in bfloat16 (not only run in it): the same identity, and the old scheme disagreed.
    half = AutoModelForSequenceClassification.from_pretrained(copy, dtype=torch.bfloat16)
    assert next(half.parameters()).dtype == torch.bfloat16
    assert fingerprint_module(half) == here.fingerprint
    assert here.legacy_fingerprint != load_classifier(str(copy)).legacy_fingerprint  # it hashed the path


def test_identity_sees_the_labels_and_the_architecture_not_the_runtime_switches(tiny_model_dir):
    from textlens import load_classifier
    from textlens.provenance import fingerprint_module

    clf = load_classifier(str(tiny_model_dir))
    config = clf.model.config
    before = fingerprint_module(clf.model)
    config.output_hidden_states, config.use_cache = True, False
    config.transformers_version, config._name_or_path = "0.0.1", "/elsewhere"
    assert fingerprint_module(clf.model) == before
    saved = dict(config.id2label)
    config.id2label = {0: "joy", 1: "anger", 2: "fear"}  # the same outputs, other names: another model
    try:
        assert fingerprint_module(clf.model) != before
    finally:
        config.id2label = saved
    config.layer_norm_eps, saved_eps = 1e-3, config.layer_norm_eps
    try:
        assert fingerprint_module(clf.model) != before
    finally:
        config.layer_norm_eps = saved_eps


def test_the_bundled_model_copied_to_another_folder_keeps_its_identity(default_classifier, tmp_path, monkeypatch):
    """A user's install puts the encoder and the adapter elsewhere: the identity, and so the bundled one-pass
    explainer, must not care."""
    import shutil

    from textlens.text import encoder, models
    from textlens.text.one_pass import find_one_pass

    base = shutil.copytree(encoder.base_encoder_dir(), tmp_path / "site" / "encoder")
    adapter = shutil.copytree(encoder.DEFAULT_ADAPTER_DIR, tmp_path / "site" / "adapter")
    monkeypatch.setattr(models, "base_encoder_dir", lambda: base)
    monkeypatch.setattr(models, "bundled_adapter_dir", lambda name: adapter)
    moved = models.load_classifier("default", precision="float32")
    assert moved.fingerprint == default_classifier.fingerprint
    assert moved.legacy_fingerprint != default_classifier.legacy_fingerprint  # what hid the bundled head before
    found = find_one_pass(moved)
    assert found is not None and found.fingerprint == moved.fingerprint and found.identity == 2


def test_provenance_record(tiny_classifier):
    p = provenance(tiny_classifier, max_evals="auto")
    assert p["model_fingerprint"] == tiny_classifier.fingerprint
    assert p["labels"] == list(tiny_classifier.labels)
    assert p["settings"] == {"max_evals": "auto"} and p["created"]
