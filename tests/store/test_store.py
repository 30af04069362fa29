"""Review-pack store: every test runs against SQLite and a real PostgreSQL server started for the session."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from tests.test_types import image_explanation
from textlens.store import (
    VERDICTS,
    BundleError,
    ConflictError,
    DuplicatePackError,
    NotFoundError,
    StoreError,
    bundle_json,
    db,
    import_bundle,
    open_store,
    resolve_url,
)
from textlens.store import bundle as bundle_module
from textlens.types import Explanation, ImageExplanation, Span

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<script>alert('x')</script>",
    "'; DROP TABLE packs; --",
    'Robert"); DELETE FROM cases WHERE ("1"="1',
    "% _ \\ ' \" ` $1 :name ? %(x)s",
    "**bold** [link](http://x) :red[red] $x$ <b>",
    "emoji 🙂, RTL \u202eevil, zero\u200bwidth, 漢字",
]


def text_record(text: str = "The acting was wonderful but the plot was dull.", model: str = "m/a") -> Explanation:
    """A synthetic explanation whose values add up, with one span per whitespace word."""
    words, pos = [], 0
    for n, word in enumerate(text.split()):
        start = text.index(word, pos)
        pos = start + len(word)
        v = ((n % 5) - 2) / 20
        words.append(Span(word, start, pos, (-v, v)))
    base = (0.5, 0.5)
    total = sum(w.values[1] for w in words)
    return Explanation(
        text=text,
        model_id=model,
        labels=("NEGATIVE", "POSITIVE"),
        scores=(0.5 - total, 0.5 + total),
        base_values=base,
        words=tuple(words),
        features=tuple(words),
        leaves="words",
        max_evals=500,
        evals=41,
        evals_needed=41,
        unsettled=0.0,
        seconds=0.25,
        settings={"max_evals": "auto", "leaves": "words", "seed": 0, "precision": "float32"},
    )


def image_record() -> ImageExplanation:
    return image_explanation()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    # The size of image_explanation()'s values, so the overlay can be drawn.
    Image.new("RGB", (2, 2), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


PROVENANCE = {
    "model_id": "m/a",
    "model_fingerprint": "ab" * 32,
    "labels": ["NEGATIVE", "POSITIVE"],
    "precision": "float32",
    "settings": {"max_evals": "auto", "leaves": "words"},
    "versions": {"textlens": "0.1.0", "shap": "0.51.0", "transformers": "5.24.0", "torch": "2.13.0"},
    "created": "2026-11-25T20:00:00+00:00",
}


def add_every_kind(store, pack_id: int):
    """One case of each kind the pages add: Explain, Compare row, Dataset row, Image."""
    text = store.add_case(
        pack_id,
        text_record(),
        "POSITIVE",
        note="first",
        verdict="right-wrong",
        tags=["plot", "contrast"],
        provenance=PROVENANCE,
        author="ana",
        source="explain",
    )
    compare = store.add_case(
        pack_id,
        text_record("A dull mess.", "m/b"),
        "NEGATIVE",
        source="compare",
        context={"row": "#2", "model": "B", "other_model": "m/a"},
        provenance=PROVENANCE,
        author="ana",
    )
    dataset = store.add_case(
        pack_id,
        text_record("Not bad at all."),
        source="dataset",
        context={"row": 17, "truth": "POSITIVE"},
        verdict="label-error",
    )
    image = store.add_case(
        pack_id,
        image_record(),
        "Egyptian cat",
        source="image",
        image=png_bytes(),
        note="ears?",
        verdict="follow-up",
        tags=["cats"],
        author="bo",
    )
    return text, compare, dataset, image


def test_round_trip_of_every_field_and_kind(store):
    pack = store.create_pack("Release 3 review", "cases for Thursday", "ana")
    added = add_every_kind(store, pack.id)
    store.close()
    reopened = open_store(store.url.render_as_string(hide_password=False))
    got = reopened.cases(pack.id)
    assert [c.id for c in got] == [c.id for c in added]
    assert [c.position for c in got] == [0, 1, 2, 3]
    assert got == list(added)
    text, compare, dataset, image = got
    assert text.result() == text_record()
    assert (text.kind, text.target, text.note, text.verdict) == ("text", "POSITIVE", "first", "right-wrong")
    assert text.tags == ("plot", "contrast") and text.author == "ana" and text.source == "explain"
    assert text.provenance == PROVENANCE
    assert compare.context == {"row": "#2", "model": "B", "other_model": "m/a"}
    assert dataset.target == text_record("Not bad at all.").predicted_label  # default: the top label
    assert dataset.context["truth"] == "POSITIVE" and dataset.verdict_label == "Label error"
    assert image.kind == "image" and image.image == png_bytes()
    rebuilt = image.result()
    assert rebuilt.labels == image_record().labels
    stored = ImageExplanation.from_dict(image_record().to_dict())  # to_dict rounds the pixel values
    for a, b in zip(rebuilt.values, stored.values):
        np.testing.assert_array_equal(a, b)
    info = reopened.pack(pack.id)
    assert (info.name, info.description, info.owner) == ("Release 3 review", "cases for Thursday", "ana")
    assert info.created <= info.updated
    reopened.close()


def test_real_explanation_with_provenance(store, tiny_classifier):
    from textlens import explain
    from textlens.provenance import provenance

    result = explain(tiny_classifier, "joy and fear", max_evals="auto")
    prov = provenance(tiny_classifier, max_evals="auto", leaves="words")
    pack = store.create_pack("tiny")
    case = store.add_case(pack.id, result, "joy", provenance=prov, author="me")
    again = store.case(case.id)
    assert again.result() == result
    assert again.provenance["model_fingerprint"] == tiny_classifier.fingerprint
    assert set(again.provenance["versions"]) >= {"textlens", "shap", "transformers", "torch"}


def test_order_remove_and_verdict_filter(store):
    pack = store.create_pack("order")
    a, b, c, d = add_every_kind(store, pack.id)
    assert [x.id for x in store.move_case(d.id, -2)] == [a.id, d.id, b.id, c.id]
    assert [x.id for x in store.move_case(a.id, 10)] == [d.id, b.id, c.id, a.id]
    store.remove_case(b.id)
    assert [x.id for x in store.cases(pack.id)] == [d.id, c.id, a.id]
    assert [x.id for x in store.cases(pack.id, verdict="label-error")] == [c.id]
    assert store.cases(pack.id, verdict="wrong") == []
    with pytest.raises(StoreError, match="changed meanwhile"):
        store.reorder(pack.id, [a.id, c.id])  # not the pack's current cases
    with pytest.raises(NotFoundError):
        store.case(b.id)


def test_listing_and_search(store):
    one = store.create_pack("Release 3", "thursday", "ana")
    two = store.create_pack("Bias audit", "", "bo")
    store.add_case(one.id, text_record(), tags=["Negation"])
    store.add_case(two.id, text_record(), tags=["names"])
    assert {p.name for p in store.packs()} == {"Release 3", "Bias audit"}
    assert [p.name for p in store.packs("release")] == ["Release 3"]
    assert [p.name for p in store.packs("THURS")] == ["Release 3"]
    assert [p.name for p in store.packs(owner="bo")] == ["Bias audit"]
    assert [p.name for p in store.packs(tag="negation")] == ["Release 3"]
    assert [p.name for p in store.packs("names")] == ["Bias audit"]
    assert store.packs("nothing like it") == []
    assert store.packs()[0].cases == 1
    with pytest.raises(DuplicatePackError):
        store.create_pack(" Release 3 ")
    with pytest.raises(BundleError, match="empty"):
        store.create_pack("   ")
    renamed = store.update_pack(one.id, one.version, name="Release 3.1", description="friday")
    assert renamed.version == one.version + 1
    with pytest.raises(StoreError, match="changed meanwhile"):
        store.update_pack(one.id, one.version, description="stale")
    store.delete_pack(two.id)
    assert [p.name for p in store.packs()] == ["Release 3.1"]


def test_stale_edit_raises_conflict_with_both_texts(store):
    pack = store.create_pack("conflict")
    case = store.add_case(pack.id, text_record(), note="original")
    first = store.update_case(case.id, case.version, note="Ana's note", verdict="wrong")
    with pytest.raises(ConflictError) as info:
        store.update_case(case.id, case.version, note="Bo's note")
    err = info.value
    assert err.yours == {"note": "Bo's note"}
    assert err.theirs.note == "Ana's note" and err.theirs.version == first.version
    assert "Ana's note" in str(err) and "Bo's note" in str(err) and "changed meanwhile" in str(err)
    assert store.case(case.id).note == "Ana's note"
    store.remove_case(case.id)
    with pytest.raises(ConflictError, match="removed meanwhile"):
        store.update_case(case.id, first.version, note="too late")


def test_invalid_fields_are_refused(store):
    pack = store.create_pack("checks")
    with pytest.raises(BundleError, match="Unknown verdict"):
        store.add_case(pack.id, text_record(), verdict="great")
    with pytest.raises(BundleError, match="not one of the result's labels"):
        store.add_case(pack.id, text_record(), "joy")
    with pytest.raises(BundleError, match="at most"):
        store.add_case(pack.id, text_record(), note="x" * 100_001)
    with pytest.raises(BundleError, match="NUL"):
        store.add_case(pack.id, text_record(), note="a\x00b")
    with pytest.raises(BundleError, match="list of texts"):
        store.add_case(pack.id, text_record(), tags="one,two")
    assert store.cases(pack.id) == []
    assert set(VERDICTS) == {"", "right-right", "right-wrong", "wrong", "label-error", "follow-up"}


def test_hostile_and_sql_metacharacters_in_every_field(store):
    for n, evil in enumerate(HOSTILE):
        pack = store.create_pack(f"{evil} {n}", description=evil, owner=evil)
        case = store.add_case(
            pack.id,
            text_record(f"{evil} was here"),
            "POSITIVE",
            note=evil,
            tags=[evil, f"t{n}"],
            author=evil,
            source="explain",
            context={"row": evil, evil: evil},
            provenance={**PROVENANCE, "model_id": evil},
        )
        got = store.case(case.id)
        assert (got.note, got.author, got.tags[0], got.context[evil]) == (evil, evil, evil, evil)
        assert got.result().text == f"{evil} was here"
        assert store.pack(f"{evil} {n}").description == evil
        assert [p.name for p in store.packs(evil)] == [f"{evil} {n}"]
        assert [p.name for p in store.packs(tag=evil)] == [f"{evil} {n}"]
        updated = store.update_case(case.id, got.version, note=evil + evil, tags=[evil])
        assert updated.note == evil + evil
    assert len(store.packs()) == len(HOSTILE)  # DROP TABLE did not run, nothing matched too widely


def test_bundle_round_trip_is_exact(store, tmp_path):
    pack = store.create_pack("bundle <b>me</b>", "desc", "ana")
    add_every_kind(store, pack.id)
    text = bundle_json(store, pack.id)
    other = open_store(tmp_path / "other.db")  # another machine's store
    imported = import_bundle(other, text)
    assert imported.name == "bundle <b>me</b>"
    again = json.loads(bundle_json(other, imported.id))
    original = json.loads(text)
    original.pop("exported"), again.pop("exported")
    # Every field comes back exactly, but times: the import's are the server's own, the file's are kept aside.
    for data in (original, again):
        for item in (data["pack"], *data["cases"]):
            for key in ("created", "updated"):
                item.pop(key)
    for before, after in zip(json.loads(text)["cases"], again["cases"]):
        assert after["context"].pop("bundle_created") == before["created"]
    assert again == original
    assert [c.result() for c in other.cases(imported.id)][:3] == [c.result() for c in store.cases(pack.id)][:3]
    with pytest.raises(DuplicatePackError):
        import_bundle(other, text)
    assert import_bundle(other, text, name="copy").name == "copy"
    other.close()


def _bundle(store) -> dict:
    pack = store.create_pack("source")
    add_every_kind(store, pack.id)
    data = json.loads(bundle_json(store, pack.id))
    store.delete_pack(pack.id)
    return data


def _broken_bundles(good: dict):
    def variant(fn):
        data = json.loads(json.dumps(good))
        fn(data)
        return json.dumps(data)

    yield "not JSON", "{not json", "not valid JSON"
    yield "not UTF-8", b"\xff\xfe{", "UTF-8"
    yield "array", "[1, 2]", "not a textlens pack"
    yield "other format", json.dumps({"format": "lit", "cases": []}), "not a textlens pack"
    yield "future version", variant(lambda d: d.update(format_version=99)), "not supported"
    yield "NaN", variant(lambda d: None).replace('"seconds": 0.25', '"seconds": NaN'), "NaN"
    yield "deep", '{"format": "textlens-pack", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"
    yield "no name", variant(lambda d: d["pack"].update(name="")), "empty"
    yield "name not text", variant(lambda d: d["pack"].update(name=["x"])), "must be text"
    yield "cases not list", variant(lambda d: d.update(cases={"a": 1})), "'cases' list"
    yield "missing field", variant(lambda d: d["cases"][1].pop("target")), "lacks target"
    yield "bad verdict", variant(lambda d: d["cases"][2].update(verdict="DROP TABLE")), "Unknown verdict"
    yield "bad record", variant(lambda d: d["cases"][0]["record"].pop("words")), "not a valid textlens"
    yield "unknown kind", variant(lambda d: d["cases"][0]["record"].update(kind="evil")), "not a valid textlens"
    yield "record not object", variant(lambda d: d["cases"][0].update(record="x")), "must be objects"
    yield "huge note", variant(lambda d: d["cases"][0].update(note="x" * 200_000)), "at most"
    yield "tags string", variant(lambda d: d["cases"][0].update(tags="a,b")), "list of texts"
    yield "bad image", variant(lambda d: d["cases"][3].update(image_png="@@@")), "base64"
    yield "not png", variant(lambda d: d["cases"][3].update(image_png="PHN2Zz4=")), "not a PNG"
    yield "target not a label", variant(lambda d: d["cases"][0].update(target="joy")), "not one of"
    yield "last case bad", variant(lambda d: d["cases"][-1].update(verdict="?")), "Case 4"


def test_hostile_bundles_change_nothing(store, monkeypatch):
    good = _bundle(store)
    keep = store.create_pack("keep")
    before = json.loads(bundle_json(store, keep.id))
    for label, data, message in _broken_bundles(good):
        with pytest.raises(BundleError, match=message):
            import_bundle(store, data)
        assert [p.name for p in store.packs()] == ["keep"], label
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 1000)
    with pytest.raises(BundleError, match="at most"):
        import_bundle(store, json.dumps(good))
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 10**9)
    monkeypatch.setattr(bundle_module, "MAX_CASES", 3)
    with pytest.raises(BundleError, match="at most 3"):
        import_bundle(store, json.dumps(good))
    after = json.loads(bundle_json(store, keep.id))
    before.pop("exported"), after.pop("exported")
    assert after == before and [p.name for p in store.packs()] == ["keep"]


# --- concurrency and durability ------------------------------------------------------------------

EDITOR = """
import sys
from textlens.store import open_store
from tests.store.test_store import _edit_loop
_edit_loop(open_store(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), [])
"""


def _edit_loop(store, case_id: int, who: str, n: int, conflicts: list) -> None:
    for i in range(n):
        while True:
            case = store.case(case_id)
            try:
                store.update_case(case_id, case.version, note=case.note + f"{who}{i};")
                break
            except ConflictError:
                conflicts.append(who)


def test_concurrent_edits_in_threads_lose_nothing(store):
    pack = store.create_pack("threads")
    case = store.add_case(pack.id, text_record())
    conflicts: list[str] = []
    threads = [threading.Thread(target=_edit_loop, args=(store, case.id, f"w{t}-", 15, conflicts)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.case(case.id)
    entries = final.note.rstrip(";").split(";")
    assert sorted(entries) == sorted(f"w{t}-{i}" for t in range(4) for i in range(15))
    assert final.version == 1 + 60


def test_concurrent_edits_in_two_processes_lose_nothing(store):
    pack = store.create_pack("processes")
    case = store.add_case(pack.id, text_record())
    url = store.url.render_as_string(hide_password=False)
    procs = [
        subprocess.Popen([sys.executable, "-c", EDITOR, url, str(case.id), who, "20"], cwd=ROOT)
        for who in ("p1-", "p2-")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = store.case(case.id).note.rstrip(";").split(";")
    assert sorted(entries) == sorted(f"{w}{i}" for w in ("p1-", "p2-") for i in range(20))


WRITER = """
import sys
from textlens.store import open_store
from tests.store.test_store import text_record
store = open_store(sys.argv[1])
pack = store.pack("durable")
record = text_record()
i = 0
while True:
    store.add_case(pack.id, record, note=f"case {i}")
    print(f"ack {i}", flush=True)  # only after the commit returned
    i += 1
"""


def test_killed_writer_loses_nothing_acknowledged(store):
    store.create_pack("durable")
    url = store.url.render_as_string(hide_password=False)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    acked = -1
    for line in proc.stdout:
        acked = int(line.split()[1])
        if acked >= 30:
            break
    os.kill(proc.pid, signal.SIGKILL)  # mid-loop: very likely inside the next transaction
    proc.wait()
    reopened = open_store(url)
    notes = [c.note for c in reopened.cases(reopened.pack("durable").id)]
    assert set(notes) >= {f"case {i}" for i in range(acked + 1)}
    assert notes == [f"case {i}" for i in range(len(notes))]  # in order, none half-written
    if reopened.backend == "sqlite":
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    reopened.close()


# --- migrations and where the database is --------------------------------------------------------


def test_migrations_from_an_empty_database(db_url):
    engine = db.create_engine(resolve_url(db_url))
    assert db.current_revision(engine) is None
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"packs", "cases", "alembic_version"} <= tables
    db.migrate(engine)  # a second open finds nothing to do
    engine.dispose()


def test_migration_from_the_first_revision_keeps_data(db_url):
    engine = db.create_engine(resolve_url(db_url))
    db.migrate(engine, "0001")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("packs")}
    assert "parent_id" not in columns
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO packs (name, description, owner, created, updated, version) "
                "VALUES ('old', 'from 0001', 'ana', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1)"
            )
        )
        record = json.dumps({"kind": "text", **text_record().to_dict()})
        conn.execute(
            sa.text(
                "INSERT INTO cases (pack_id, position, kind, source, record, target, note, verdict, tags, context, "
                "provenance, author, created, updated, version) "
                "VALUES ((SELECT id FROM packs), 0, 'text', 'explain', :r, 'POSITIVE', "
                "'kept', 'wrong', '[\"a\"]', '{}', '{}', 'ana', '2026-01-01T00:00:00+00:00', "
                "'2026-01-01T00:00:00+00:00', 1)"
            ),
            {"r": record},
        )
    engine.dispose()
    store = open_store(db_url)  # opening migrates to head
    assert db.current_revision(store.engine) == db.head_revision()
    pack = store.pack("old")
    assert (pack.description, pack.parent_id, pack.origin) == ("from 0001", None, "")
    (case,) = store.cases(pack.id)
    assert (case.note, case.verdict, case.tags) == ("kept", "wrong", ("a",))
    assert case.result() == text_record()
    child = store.create_pack("old, re-run", parent_id=pack.id, origin="re-run on m/b")
    assert store.pack(child.id).parent_id == pack.id
    store.close()


def test_database_from_a_newer_textlens_is_refused(db_url):
    store = open_store(db_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError, match="newer textlens"):
        open_store(db_url)


def test_where_the_database_is(monkeypatch, tmp_path):
    monkeypatch.delenv("TEXTLENS_DB", raising=False)
    default = resolve_url()
    assert default.get_backend_name() == "sqlite" and default.database.endswith("packs.db")
    assert "textlens" in default.database
    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "mine.db"))
    assert resolve_url().database == str(tmp_path / "mine.db")
    monkeypatch.setenv("TEXTLENS_DB", "postgresql://u:secret@db.example/packs")
    url = resolve_url()
    assert url.drivername == "postgresql+psycopg" and url.database == "packs"
    assert "secret" not in db.describe(url)
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        resolve_url("mysql://x@y/z")
    store = open_store(tmp_path / "sub" / "dir" / "p.db")  # folders are made
    assert store.location == str(tmp_path / "sub" / "dir" / "p.db")
    store.close()


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match="Cannot open the pack database"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
