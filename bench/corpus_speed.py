"""Corpus engine speed: its overhead over explain_many, the cost of its checkpoints, and Ray against local.

    nice -n 10 python bench/corpus_speed.py --texts ../shared/data/sst2/dev.tsv --n 1000 --n-ray 200 \
        --json bench/results/corpus.json

Sections: (1) the local engine against ``explain_many`` on the same SST-2 dev sentences at the default
settings, interleaved in blocks so that load on a shared machine hits both alike, and the share of the
engine's time spent writing parts; (2) Ray with 2 workers against the local engine on the same texts in
float32 (2 cores cannot show a speed-up: both use both cores); (3) an estimate for a million texts on
N workers from the measured per-text cost and Ray's overhead.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd
from common import bench_parser, machine, verdict, write_json

from textlens import explain_many, load_classifier
from textlens.corpus import job as corpus_job
from textlens.corpus import read_result, run_corpus

BLOCK = 100  # texts per interleaved block: more than the 32 texts whose rows explain() keeps cached


def timed_parts():
    """Wrap the engine's part writer to add up the seconds spent writing (and flushing) parts."""
    spent = [0.0]
    original = corpus_job.write_part

    def write(folder, table):
        started = time.perf_counter()
        try:
            return original(folder, table)
        finally:
            spent[0] += time.perf_counter() - started

    corpus_job.write_part = write
    return spent


def run_engine(classifier, texts: list[str], folder: Path, **options) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "in.csv"
    pd.DataFrame({"sentence": texts}).to_csv(source, index=False)
    started = time.perf_counter()
    run_corpus(source, folder / "out", text_column="sentence", classifier=classifier, show_progress=False, **options)
    return time.perf_counter() - started


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--n", type=int, default=1000, help="sentences for section 1 (0: skip it)")
    parser.add_argument("--n-ray", type=int, default=200, help="sentences for section 2 (0: skip Ray)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from textlens.text.sst2 import read_sst2

    dev, _ = read_sst2(args.texts)
    texts = (dev * (args.n // len(dev) + 1))[: args.n] if args.n > len(dev) else dev[: args.n]
    out: dict = {"machine": machine(), "n": len(texts), "n_ray": args.n_ray, "workers": args.workers}
    work = Path(tempfile.mkdtemp(prefix="corpus-bench-"))

    # 1. Local engine against explain_many, default settings (--n 0: skip).
    if args.n:
        classifier = load_classifier(args.model)
        explain_many(classifier, texts[:3])  # warm-up: imports and first forward passes
        spent = timed_parts()
        many = engine = 0.0
        for b in range(0, len(texts), BLOCK):
            block = texts[b : b + BLOCK]
            classifier.clear_caches()
            started = time.perf_counter()
            explain_many(classifier, block)
            many += time.perf_counter() - started
            classifier.clear_caches()
            engine += run_engine(classifier, block, work / f"local-{b}")
            print(f"  {b + len(block)}/{len(texts)}: explain_many {many:.1f} s, engine {engine:.1f} s", flush=True)
        out["local"] = {
            "precision": classifier.precision,
            "explain_many_seconds": many,
            "engine_seconds": engine,
            "overhead": engine / many,
            "texts_per_second": len(texts) / engine,
            "part_write_seconds": spent[0],
            "checkpoint_share": spent[0] / engine,
        }
        print(verdict("engine / explain_many", engine / many, 1.05, higher_is_better=False, unit="x"))
        print(verdict("checkpointing share of engine time", 100 * spent[0] / engine, 5, False, "%"))

    # 2. Ray (2 actors, 1 thread each) against the local engine (2 threads), float32, same texts.
    if args.n_ray:
        import ray

        ray_texts = dev[-args.n_ray :]
        f32 = load_classifier(args.model, precision="float32")
        explain_many(f32, ray_texts[:3])
        f32.clear_caches()
        local = run_engine(f32, ray_texts, work / "ray-local")
        ray.init(num_cpus=args.workers, include_dashboard=False, object_store_memory=256 << 20, log_to_driver=False)
        started = time.perf_counter()
        ray.data.range(args.workers).map_batches(lambda b: b, batch_size=1).materialize()  # Ray's own start-up
        ray_start = time.perf_counter() - started
        on_ray = run_engine(f32, ray_texts, work / "ray", engine="ray", workers=args.workers)
        ray.shutdown()
        row_seconds = float(read_result(work / "ray" / "out", columns=["seconds"]).frame["seconds"].sum())
        efficiency = row_seconds / (args.workers * on_ray)
        out["ray"] = {
            "local_seconds": local,
            "ray_seconds": on_ray,
            "ratio": on_ray / local,
            "ray_warm_up_seconds": ray_start,
            "row_seconds_on_actors": row_seconds,
            "actor_efficiency": efficiency,
        }
        print(verdict(f"Ray {args.workers} workers / local", on_ray / local, 1.3, higher_is_better=False, unit="x"))
        # 3. A million texts: per-text cost on one actor (1 core), spread over N workers at this efficiency.
        per_text = row_seconds / len(ray_texts)
        out["million"] = {
            "per_text_seconds_one_core": per_text,
            "hours": {n: 1e6 * per_text / (n * efficiency) / 3600 for n in (10, 100, 1000)},
        }
        for n, hours in out["million"]["hours"].items():
            print(f"  1,000,000 texts on {n} workers (1 core each): ~{hours:.1f} h")
    write_json(args.json, out)


if __name__ == "__main__":
    main()
