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
    with torch.no_grad():
        next(b.model.parameters()).view(-1)[0] += 1e-3
    b.__dict__.pop("fingerprint")
    assert b.fingerprint != a.fingerprint


def test_provenance_record(tiny_classifier):
    p = provenance(tiny_classifier, max_evals="auto")
    assert p["model_fingerprint"] == tiny_classifier.fingerprint
    assert p["labels"] == list(tiny_classifier.labels)
    assert p["settings"] == {"max_evals": "auto"} and p["created"]
