"""``textlens dataset …``: a labelled file, read, matched and predicted as the Dataset page does it.

``evaluate`` prints one model's metrics, confusion, calibration and slices as JSON; ``compare`` two models'
paired comparison (:mod:`textlens.dataset.compare`, the module the page uses too); ``label-issues`` prints the
likely label errors as JSON lines, most likely first, and a summary line; ``cohorts`` the failure cohorts
(:mod:`textlens.dataset.cohorts`) as JSON lines, most errors first; ``map`` writes every row's place on the map
of the set (:mod:`textlens.dataset.embedding_map`) as CSV. A new
subcommand adds a ``(add_parser, run)`` pair to :data:`SUBCOMMANDS`; :func:`file_arguments` and
:func:`predicted_file` give it the page's reader, label matcher and predictions.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textlens.errors import InputFileError
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS


@dataclass(frozen=True, eq=False)
class PredictedFile:
    """A labelled file's texts, label indices (-1: none or unmatched) and every row's predictions."""

    texts: list[object]
    truth: Any  # numpy array of label indices
    run: Any  # textlens.dataset.RowPredictions
    labelled: Any = None  # textlens.dataset.LabelledFile


TEXT_COLUMN_HELP = (
    "column holding the texts (default: guessed as the Dataset page guesses it, the column of longest free "
    "text, and said on stderr; a file in which no column holds text is refused)"
)


def text_column_argument(parser: argparse.ArgumentParser) -> None:
    """``--text-column``, for every command that reads a file of texts: named, else guessed (never from numbers)."""
    parser.add_argument("--text-column", help=TEXT_COLUMN_HELP)


def say_guess(column: str, named: str | None) -> str:
    """``column``, said on stderr when it was guessed (``named`` is None) so that a wrong guess is seen."""
    if named is None:
        print(f"note: text column {column!r} (guessed; name another with --text-column)", file=sys.stderr)
    return column


def file_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, its text and label columns, and the model: what every ``dataset`` subcommand reads."""
    parser.add_argument("file", help="CSV, TSV, Parquet or JSON-lines file with a header")
    text_column_argument(parser)
    parser.add_argument("--label-column", required=True, help="column holding the labels (names or ids)")
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")


def read_file(args: argparse.Namespace):
    """``args.file`` read with the page's reader, its columns checked; warnings and notices go to stderr.

    ``args.text_column`` is set to the guessed text column when none was named; a file in which no
    column holds text is refused (:class:`~textlens.errors.NoTextColumnError`, listing its columns).
    """
    from textlens.dataset import read_labelled
    from textlens.dataset.files import check_column

    labelled = read_labelled(args.file)
    args.text_column = say_guess(labelled.text_column(args.text_column), args.text_column)
    check_column(args.label_column, labelled.columns, "the label column", labelled.name)
    for column in getattr(args, "slice_column", None) or ():
        check_column(column, labelled.columns, "a slice column", labelled.name)
    for warning in labelled.warnings:  # rows and lines disagree: the numbers below may be off
        print(f"warning: {warning}", file=sys.stderr)
    for notice in labelled.notices:
        print(f"note: {notice}", file=sys.stderr)
    return labelled


def matched_truth(labelled, label_column: str, labels: tuple[str, ...]):
    """The label column matched to ``labels`` as the page matches it; its message on stderr, none matched an error."""
    from textlens.dataset import match_labels

    truth, match = match_labels(labelled.frame[label_column].tolist(), labels)
    for notice in (match.message(), match.note()):
        if notice:
            print(f"note: {notice}", file=sys.stderr)
    if match.matched == 0:
        raise InputFileError(f"No label in {label_column!r} matches the model's ({', '.join(labels)}).")
    return truth


def predict_all(classifier, texts: list[object], what: str = "Predicting", rows_fn=None):
    """Every row's prediction (:func:`textlens.dataset.predict_rows`, or ``rows_fn`` with the same arguments)
    with a progress line on stderr.
    """
    from textlens.corpus.progress import ProgressLine
    from textlens.dataset import predict_rows

    line: ProgressLine | None = None

    def progress(done: int, total: int, _eta: float | None) -> None:
        nonlocal line
        if line is None:
            print(f"{what}…", file=sys.stderr, flush=True)
            line = ProgressLine(total, 0)
            line.start()
            return
        line.update(done - line.now)

    run = (rows_fn or predict_rows)(classifier, texts, progress=progress)
    if line is not None:
        line.finish()
    return run


def predicted_file(args: argparse.Namespace) -> PredictedFile:
    """Read ``args.file`` with the page's reader, match its labels to the model's and predict every row.

    The reader's notices and the label matcher's message go to stderr; no matched label is an error.
    """
    from textlens.text.models import load_classifier

    labelled = read_file(args)
    classifier = load_classifier(args.model, precision=args.precision)
    truth = matched_truth(labelled, args.label_column, classifier.labels)
    texts = labelled.frame[args.text_column].tolist()
    return PredictedFile(texts, truth, predict_all(classifier, texts), labelled)


def slice_arguments(parser: argparse.ArgumentParser) -> None:
    """The slices every evaluation reports, as on the Dataset page."""
    parser.add_argument(
        "--slice-column",
        action="append",
        metavar="COLUMN",
        help="a metadata column to slice by (repeat for more); default: every other column with at most "
        "20 distinct values",
    )
    parser.add_argument("--keyword", default="", help="also slice by the rows containing this word (whole word)")
    parser.add_argument("--regex", action="store_true", help="--keyword is a regular expression")
    parser.add_argument("--out", metavar="DIR", help="write per-row predictions and the slice table to DIR")


def set_slices(args: argparse.Namespace, labelled):
    """The slices of ``labelled`` that ``args`` ask for (the page's defaults when no column is named)."""
    from textlens.dataset.slices import set_slices as slices_of
    from textlens.dataset.slices import slice_columns

    meta = args.slice_column or slice_columns(labelled.frame, (args.text_column, args.label_column))
    return slices_of(labelled.frame, args.text_column, meta, args.keyword, is_regex=args.regex)


def write_out(folder: str | None, summary: dict[str, Any], predictions, slices) -> None:
    """``summary.json``, ``predictions.csv`` and ``slices.csv`` into ``folder`` (made if missing)."""
    if not folder:
        return
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        predictions.to_csv(out / "predictions.csv", index=False)
        rows = [s.to_dict() for s in slices]
        with open(out / "slices.csv", "w", encoding="utf-8", newline="") as handle:
            # The CLI imports only the standard library and textlens (the installed package's promise).
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["group", "value"])
            writer.writeheader()
            writer.writerows(rows)
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"Cannot write to {folder}: {exc.strerror or exc}.") from exc
    print(f"wrote {out / 'predictions.csv'}, {out / 'slices.csv'} and {out / 'summary.json'}", file=sys.stderr)


def add_evaluate(sub) -> None:
    parser = sub.add_parser(
        "evaluate", help="one model on a labelled file: metrics, confusion, calibration and slices as JSON"
    )
    file_arguments(parser)
    slice_arguments(parser)


def run_evaluate(args: argparse.Namespace) -> None:
    from textlens.dataset import compute_metrics, results_frame, slice_metrics
    from textlens.text.models import load_classifier

    labelled = read_file(args)
    slices = set_slices(args, labelled)
    classifier = load_classifier(args.model, precision=args.precision)
    truth = matched_truth(labelled, args.label_column, classifier.labels)
    run = predict_all(classifier, labelled.frame[args.text_column].tolist())
    metrics = compute_metrics(truth, run.predicted, run.confidence, run.labels)
    if metrics is None:
        raise InputFileError(f"No row with a matched label could be predicted: {args.text_column!r} holds no text.")
    results, _ = results_frame(labelled.frame, args.text_column, run, args.label_column)
    table = slice_metrics(slices, truth, run.predicted, run.confidence, run.labels)
    summary = {
        "file": labelled.name,
        "model": args.model,
        "file_rows": len(labelled.frame),
        "unpredicted_rows": int((~run.ok).sum()),
        **{k: v for k, v in metrics.to_dict().items() if k != "kind"},
        "errors": metrics.errors,
        "slices": [s.to_dict() for s in table],
    }
    write_out(args.out, summary, results, table)
    print(json.dumps(summary, ensure_ascii=False))


def add_compare(sub) -> None:
    parser = sub.add_parser(
        "compare",
        help="two models on one labelled file: both accuracies, what B fixes and breaks, McNemar's test, "
        "the difference's 95%% interval and slices compared, as JSON",
    )
    parser.add_argument("file", help="CSV, TSV, Parquet or JSON-lines file with a header")
    text_column_argument(parser)
    parser.add_argument("--label-column", required=True, help="column holding the labels (names or ids)")
    parser.add_argument("--model-a", default=DEFAULT_MODEL_ID, help="model A: 'default', a local folder or a hub id")
    parser.add_argument("--model-b", required=True, help="model B: 'default', a local folder or a hub id")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")
    slice_arguments(parser)


def run_compare(args: argparse.Namespace) -> None:
    from textlens.dataset.compare import align_labels, compare_runs
    from textlens.text.models import load_classifier

    labelled = read_file(args)
    slices = set_slices(args, labelled)
    model_a = load_classifier(args.model_a, precision=args.precision)
    model_b = load_classifier(args.model_b, precision=args.precision)
    align_labels(model_a.labels, model_b.labels)  # refuse before minutes of predictions
    matched_truth(labelled, args.label_column, model_a.labels)
    texts = labelled.frame[args.text_column].tolist()
    run_a = predict_all(model_a, texts, "Model A")
    run_b = predict_all(model_b, texts, "Model B")
    comparison = compare_runs(labelled.frame, args.text_column, args.label_column, run_a, run_b)
    table = comparison.slices(slices)
    summary = {
        "file": labelled.name,
        "model_a": args.model_a,
        "model_b": args.model_b,
        "file_rows": len(labelled.frame),
        **comparison.to_dict(),
        "slices": [s.to_dict() for s in table],
    }
    write_out(args.out, summary, comparison.results, table)
    print(json.dumps(summary, ensure_ascii=False))


def add_label_issues(sub) -> None:
    parser = sub.add_parser(
        "label-issues",
        help="rows whose label is probably wrong (cleanlab), most likely first, as JSON lines, then a summary",
    )
    file_arguments(parser)
    parser.add_argument("--top", type=int, default=None, help="print only the N most likely label errors")


def run_label_issues(args: argparse.Namespace) -> None:
    from textlens.dataset import label_issues

    predicted = predicted_file(args)
    issues = label_issues(predicted.run.probs, predicted.truth, predicted.run.labels)
    for row in issues.rows(predicted.texts, args.top):
        print(json.dumps(row, ensure_ascii=False))
    print(json.dumps({**issues.summary_dict(), "message": issues.summary()}, ensure_ascii=False))


def cohort_arguments(parser: argparse.ArgumentParser) -> None:
    """The failure cohorts' tree: its depth, the fewest rows of a cohort, the metadata columns it may split on."""
    parser.add_argument(
        "--max-depth", type=int, default=None, help="conditions per cohort at most: the tree's depth (default 3)"
    )
    parser.add_argument("--min-rows", type=int, default=None, help="rows per cohort at least (default 20)")
    parser.add_argument(
        "--inputs-only",
        action="store_true",
        help="split only on what the rows say (words, length, metadata, true label), not on the model's outputs "
        "(predicted label, confidence, likely label error)",
    )
    parser.add_argument(
        "--slice-column",
        action="append",
        metavar="COLUMN",
        help="a metadata column the tree may split on (repeat for more); default: every other column with at "
        "most 20 distinct values",
    )


def tree_settings(args: argparse.Namespace) -> tuple[int, int]:
    """``--max-depth`` and ``--min-rows`` (the defaults when not given), refused before any prediction if below 1."""
    from textlens.dataset.cohorts import MAX_DEPTH, MIN_ROWS, check_settings

    depth = MAX_DEPTH if args.max_depth is None else args.max_depth
    rows = MIN_ROWS if args.min_rows is None else args.min_rows
    check_settings(depth, rows)
    return depth, rows


def cohorts_of(args: argparse.Namespace, predicted: PredictedFile, settings: tuple[int, int]):
    """The failure cohorts of a predicted file, as the Dataset page finds them: likely label errors and the
    metadata columns (named, else the page's default slice columns) among the features.
    """
    from textlens.dataset import label_issues
    from textlens.dataset.cohorts import failure_cohorts
    from textlens.dataset.slices import slice_columns

    frame = predicted.labelled.frame
    meta = args.slice_column or slice_columns(frame, (args.text_column, args.label_column))
    outputs = not args.inputs_only
    issues = label_issues(predicted.run.probs, predicted.truth, predicted.run.labels) if outputs else None
    return failure_cohorts(
        predicted.texts,
        predicted.truth,
        predicted.run.predicted,
        predicted.run.confidence,
        predicted.run.labels,
        meta={c: frame[c].tolist() for c in meta},
        issue=issues.issue if issues else None,
        max_depth=settings[0],
        min_rows=settings[1],
        model_outputs=outputs,
    )


def add_cohorts(sub) -> None:
    parser = sub.add_parser(
        "cohorts",
        help="where the model's errors concentrate: failure cohorts found by a shallow decision tree, as JSON "
        "lines, most errors first",
    )
    file_arguments(parser)
    cohort_arguments(parser)


def run_cohorts(args: argparse.Namespace) -> None:
    settings = tree_settings(args)
    found = cohorts_of(args, predicted_file(args), settings)
    for row in found.to_dicts():
        print(json.dumps(row, ensure_ascii=False))
    print(f"note: {found.summary()}", file=sys.stderr)


def add_map(sub) -> None:
    parser = sub.add_parser(
        "map",
        help="every row placed on a 2-D map by the model's own representation of it (UMAP; PCA below 300 rows), "
        "as CSV: row, x, y and the columns it is coloured by",
    )
    parser.add_argument("file", help="CSV, TSV, Parquet or JSON-lines file with a header")
    text_column_argument(parser)
    parser.add_argument(
        "--label-column", help="column holding the labels (names or ids): adds true_label, correct and cohort"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")
    parser.add_argument("--out", required=True, metavar="CSV", help="the CSV file to write")
    cohort_arguments(parser)


def run_map(args: argparse.Namespace) -> None:
    from textlens.dataset import results_frame
    from textlens.dataset.embedding_map import embed_rows, map_vectors
    from textlens.text.models import load_classifier

    settings = tree_settings(args)
    labelled = read_file(args)
    classifier = load_classifier(args.model, precision=args.precision)
    # A multi-label model's labels are sets (read by results_frame); its rows have no failure cohorts.
    single = args.label_column and not classifier.multi_label
    truth = matched_truth(labelled, args.label_column, classifier.labels) if single else None
    texts = labelled.frame[args.text_column].tolist()
    # One pass gives both each row's representation and its prediction.
    embedded = predict_all(classifier, texts, "Reading every row", embed_rows)
    print("Placing the rows on the map…", file=sys.stderr, flush=True)
    row_map = map_vectors(embedded.vectors, embedded.run.seconds)
    # The page's own columns: the labels (a set per row for a multi-label model), confidence and correct.
    results, _ = results_frame(labelled.frame, args.text_column, embedded.run, args.label_column)
    shown = ["predicted_label", "confidence", *(["true_label", "correct"] if args.label_column else [])]
    columns: dict[str, list] = {"row": list(range(len(texts))), "x": list(row_map.x), "y": list(row_map.y)}
    columns |= {c: results[c].tolist() for c in shown}
    if truth is not None:
        found = cohorts_of(args, PredictedFile(texts, truth, embedded.run, labelled), settings)
        columns["cohort"] = found.row_cohorts(len(texts))
    write_columns(args.out, columns)
    placed = int(row_map.placed.sum())
    print(f"wrote {args.out}: {placed:,} of {len(texts):,} rows placed with {row_map.method}", file=sys.stderr)


def write_columns(path: str, columns: dict[str, list]) -> None:
    """``columns`` (name -> one value a row) as a CSV file at ``path``; empty cells for None, NaN and NA."""

    def cell(value: object) -> object:
        try:
            return "" if value is None or value != value else value  # NaN is not itself
        except TypeError:  # pandas' NA refuses to be compared
            return ""

    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([cell(v) for v in row] for row in zip(*columns.values()))
    except OSError as exc:
        raise InputFileError(f"Cannot write to {path}: {exc.strerror or exc}.") from exc


# Each subcommand: (adds its parser, runs it). In the order ``textlens dataset --help`` lists them.
SUBCOMMANDS = {
    "evaluate": (add_evaluate, run_evaluate),
    "compare": (add_compare, run_compare),
    "label-issues": (add_label_issues, run_label_issues),
    "cohorts": (add_cohorts, run_cohorts),
    "map": (add_map, run_map),
}


def add_parser(subparsers) -> None:
    """Add the ``dataset`` command group to the main parser's subparsers."""
    dataset = subparsers.add_parser("dataset", help="a labelled file read and predicted as the Dataset page does")
    sub = dataset.add_subparsers(dest="dataset_command", required=True)
    for add, _ in SUBCOMMANDS.values():
        add(sub)


def run(args: argparse.Namespace) -> None:
    """Run a ``dataset`` subcommand; errors are raised for the entry point to report."""
    SUBCOMMANDS[args.dataset_command][1](args)
