"""A corpus result made under textlens's earlier model identity: recognised, or re-attached by the user."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textlens.corpus.result import CorpusResultError, read_manifest, write_manifest
from textlens.provenance import IDENTITY_VERSION
from textlens.text.models import Classifier
from textlens.text.one_pass import OnePassExplainer


def upgrade_identity(
    manifest: dict[str, Any], classifier: Classifier, explainer: OnePassExplainer | None, *, vouched: bool = False
) -> bool:
    """Give ``manifest`` this model's identity when its own names the model under the earlier scheme.

    Without ``vouched`` only an identity this model had in this very folder and precision is taken (the same
    model for sure); with it (the user's ``textlens reattach``), any identity of the earlier scheme. A one-pass
    run keeps its head's check: the head that made it must be the one found now. Returns whether it changed.
    """
    old = manifest.get("model_fingerprint")
    if old == classifier.fingerprint:
        return False
    earlier = int(manifest.get("model_identity", 1)) < IDENTITY_VERSION
    if not earlier or not (vouched or classifier.is_identity(old)):
        return False
    if list(manifest.get("labels", [])) != list(classifier.labels):
        raise CorpusResultError(
            f"This corpus result has the labels {', '.join(map(str, manifest.get('labels', [])))}; "
            f"{classifier.model_id!r} has {', '.join(classifier.labels)}: it was made with another model."
        )
    settings = manifest.get("settings", {})
    if settings.get("method") == "one-pass":
        # The head's digest hashes the identity it was saved with: the same head gives the old digest under it.
        if explainer is None or replace(explainer, fingerprint=str(old)).digest() != settings.get("one_pass"):
            raise CorpusResultError(
                "This corpus result was made with another one-pass explainer than the one found for "
                f"{classifier.model_id!r}; choose a new --out folder."
            )
        settings["one_pass"] = explainer.digest()
        manifest.get("provenance", {}).get("settings", {})["one_pass"] = explainer.digest()
    manifest["reattached"] = [
        *manifest.get("reattached", []),
        {"from": old, "at": datetime.now(UTC).isoformat(timespec="seconds")},
    ]
    manifest.update(model_fingerprint=classifier.fingerprint, model_identity=IDENTITY_VERSION)
    if isinstance(manifest.get("provenance"), dict):
        manifest["provenance"]["model_fingerprint"] = classifier.fingerprint
    return True


def reattach_message(folder: str | Path, model_id: str) -> str:
    """What to do with a corpus result whose model identity is of the earlier scheme and not this model's here."""
    return (
        f"{folder} was made under textlens's earlier model identity, which changed with the folder a model was "
        f"installed in, so it cannot tell whether it was made with {model_id!r}. If it was, re-attach it once: "
        f"`textlens reattach {folder} --model {model_id}`; else choose a new --out folder."
    )


def reattach_corpus(folder: str | Path, classifier: Classifier, explainer: OnePassExplainer | None) -> dict[str, Any]:
    """Give the corpus result in ``folder`` this model's identity (the user vouches for it); returns the manifest."""
    manifest = read_manifest(folder)
    if manifest.get("model_fingerprint") == classifier.fingerprint:
        return manifest
    if int(manifest.get("model_identity", 1)) >= IDENTITY_VERSION:
        raise CorpusResultError(
            f"{folder} was made with another model (identity {str(manifest.get('model_fingerprint'))[:12]}, "
            f"{classifier.model_id!r} is {classifier.fingerprint[:12]}): there is nothing to re-attach."
        )
    upgrade_identity(manifest, classifier, explainer, vouched=True)
    write_manifest(folder, manifest)
    return manifest
