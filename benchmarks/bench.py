"""Speed and memory of the default model against a stock scikit-learn baseline.

    python benchmarks/bench.py [--quick] [--output benchmarks/RESULTS.md]

Every measurement runs in a fresh subprocess, so "peak RSS" is that step's own peak.
Inputs are resampled from the shipped corpus (benchmark only) into benchmarks/out/.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CORPUS = ROOT / "seeds" / "corpus.jsonl"
DEFAULT = ROOT / "configs" / "default.toml"


def corpus_sentences(split=None):
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    return [
        (a["text"][s["start"] : s["end"]], s["label"])
        for a in rows
        if split is None or a["split"] == split
        for s in a["sentences"]
    ], rows


def train_layout(articles, split="train"):
    """Article ids and line-start flags of the split's sentences (for context models)."""
    from research.context import paragraph_breaks

    groups, breaks = [], []
    for a in articles:
        if a["split"] == split:
            spans = [(s["start"], s["end"]) for s in a["sentences"]]
            groups += [a["id"]] * len(spans)
            breaks += paragraph_breaks(a["text"], spans)
    return {"groups": groups, "breaks": breaks}


def python_speed():
    """Seconds for a fixed pure-Python loop: how fast this machine is right now."""
    t = time.perf_counter()
    sum(range(10_000_000))
    return time.perf_counter() - t


def sample_file(n):
    """A JSONL file of ``n`` sentences resampled from the corpus (cached)."""
    path = OUT / f"sentences_{n}.jsonl"
    if not path.exists():
        sentences, _ = corpus_sentences()
        rng = random.Random(n)
        OUT.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            for i in range(n):
                text, label = rng.choice(sentences)
                handle.write(json.dumps({"id": i, "text": text, "label": label}) + "\n")
    return path


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- workers
def work_model(which, n_predict):
    """Train ``which`` on the train split, save, reload, predict; return figures."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from research import load_config, load_model
    from research.modelio import save_model
    from research.models import build_model

    train, articles = corpus_sentences("train")
    texts, labels = [t for t, _ in train], [y for _, y in train]
    if which == "default":
        estimator = build_model(load_config(DEFAULT).model, random_state=13)
    else:
        estimator = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)
        )
    layout = train_layout(articles) if hasattr(estimator, "predict_proba_articles") else {}
    t = time.perf_counter()
    estimator.fit(texts, labels, **layout)
    fit_s = time.perf_counter() - t
    model_dir = OUT / f"model_{which}_{os.getpid()}"
    # The default's model also carries its dev-fitted temperature, which predict_proba
    # applies; its value (1.16 in the default's run) does not change the cost.
    extra = {"decision": {"temperature": 1.16}} if which == "default" else None
    save_model(estimator, model_dir, model_name=which, extra=extra)
    size_mb = (model_dir / "model.skops").stat().st_size / 1e6
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        model = load_model(model_dir)
        loads.append(time.perf_counter() - t)
    big = [json.loads(line)["text"] for line in sample_file(n_predict).open()]
    result = {"fit_s": fit_s, "model_mb": size_mb, "load_s": statistics.median(loads)}
    # Throughput is timed by work_compare_predict, both models in turns; here only a checksum.
    result["checksum"] = float(np.round(model.predict_proba(big[:10_000]).sum(), 3))
    texts = [a["text"] for a in articles] * 5
    t = time.perf_counter()
    model.label_articles(texts)
    result["articles_per_s"] = len(texts) / (time.perf_counter() - t)
    result["peak_mb"] = peak_mb()
    return result


def work_compare_predict(model_dirs, n_predict, rounds=5):
    """Prediction throughput of saved models, measured in turns (A, B, A, B, ...).

    A shared machine's speed drifts over minutes; timing the models alternately in one
    process and taking medians keeps the ratio honest.
    """
    from research import load_model

    big = [json.loads(line)["text"] for line in sample_file(n_predict).open()]
    models = {name: load_model(path) for name, path in model_dirs.items()}
    times = {(name, jobs): [] for name in models for jobs in (1, 2)}
    for _ in range(rounds):
        for jobs in (1, 2):
            for name, model in models.items():
                model.n_jobs = jobs
                model.predict_proba(big[:25_000])  # warm up (and start workers)
                t = time.perf_counter()
                model.predict_proba(big)
                times[(name, jobs)].append(len(big) / (time.perf_counter() - t))
    return {f"{name}:{jobs}": statistics.median(v) for (name, jobs), v in times.items()}


def work_out_of_core(n, epochs):
    """Train hashing_sgd.v1 on ``n`` resampled sentences streamed from an Arrow dataset."""
    import datasets

    from research.config import ModelConfig
    from research.models import build_model
    from research.stream import dataset_batches, partial_fit_stream

    datasets.disable_progress_bars()
    t = time.perf_counter()
    dataset = datasets.load_dataset(
        "json", data_files=str(sample_file(n)), split="train", cache_dir=str(OUT / "hf-cache")
    )
    load_s = time.perf_counter() - t
    pipeline = build_model(ModelConfig(name="hashing_sgd.v1"), random_state=0)
    t = time.perf_counter()
    labels = sorted(set(dataset.unique("label")))
    partial_fit_stream(pipeline, dataset_batches(dataset, 20_000, seed=0), labels, epochs)
    return {
        "n": n,
        "epochs": epochs,
        "arrow_load_s": load_s,
        "train_s": time.perf_counter() - t,
        "peak_mb": peak_mb(),
    }


def worker(spec):
    kind = spec.pop("kind")
    result = {"model": work_model, "ooc": work_out_of_core, "compare": work_compare_predict}[kind](
        **spec
    )
    print(json.dumps(result))


# ----------------------------------------------------------------------------- driver
def in_subprocess(**spec):
    out = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_research(*args):
    """Wall time (s) and peak RSS (MB, from GNU time) of ``research --quiet ARGS...``."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "research", "--quiet"]
    t = time.perf_counter()
    out = subprocess.run(
        [*command, *map(str, args)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return time.perf_counter() - t, int(out.stderr.strip().splitlines()[-1]) / 1024


def timed_predict(model_dir, n, *options):
    """:func:`timed_research` of ``research predict`` on ``n`` sample sentences."""
    return timed_research(
        "predict", "--model", model_dir, "--input", sample_file(n), "--output", os.devnull, *options
    )


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    mem = next(
        int(line.split()[1]) // 1024**2
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import sklearn

    return (
        f"{cpu}; {os.cpu_count()} cores; {mem} GiB; {platform.platform()}; "
        f"Python {platform.python_version()}; scikit-learn {sklearn.__version__}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (no 1M)")
    parser.add_argument("--output", type=Path, help="also write the report here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    n_predict = 20_000 if args.quick else 100_000
    sizes = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}",
        "",
        f"Machine speed now: `sum(range(10**7))` takes {python_speed():.2f} s (shared "
        "machines vary; compare ratios to the baseline, measured in the same run).",
        "",
        f"Command: `python benchmarks/bench.py{' --quick' if args.quick else ''}`",
        "",
    ]
    say = lines.append

    figures = {
        w: in_subprocess(kind="model", which=w, n_predict=n_predict)
        for w in ("default", "baseline")
    }
    model_dir = max(OUT.glob("model_default_*"), key=lambda p: p.stat().st_mtime)
    baseline_dir = max(OUT.glob("model_baseline_*"), key=lambda p: p.stat().st_mtime)
    turns = in_subprocess(
        kind="compare",
        n_predict=n_predict,
        model_dirs={"default": str(model_dir), "baseline": str(baseline_dir)},
    )
    for which in ("default", "baseline"):
        for jobs in (1, 2):
            figures[which][f"predict_per_s_jobs{jobs}"] = turns[f"{which}:{jobs}"]
    stream = {}
    for jobs, batch in ((1, 2048), (2, 50_000)):
        wall, _ = timed_predict(model_dir, n_predict, "--jobs", jobs, "--batch-size", batch)
        stream[jobs] = n_predict / wall
    runs = [timed_research("run", DEFAULT, "--output-dir", OUT / "runs")[0] for _ in range(2)]

    say("## Default model vs stock `TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression`")
    say("")
    say(
        f"Both trained on the corpus train split in this run; prediction on {n_predict:,} "
        "resampled corpus sentences, the two models timed in turns (5 rounds, medians) in "
        "one process. Article labelling reads sentences in context for the default (its "
        "context stage), one by one for the baseline."
    )
    say("")
    say("| measure | default | baseline | ratio | target |")
    say("|---|---|---|---|---|")
    rows = [
        ("training time (s)", "fit_s", "{:.2f}", ""),
        ("predict, 1 process (sentences/s)", "predict_per_s_jobs1", "{:,.0f}", ""),
        (
            "predict, 2 processes (sentences/s)",
            "predict_per_s_jobs2",
            "{:,.0f}",
            ">= 50,000 and >= 0.8x baseline",
        ),
        ("article labelling (articles/s)", "articles_per_s", "{:,.0f}", ""),
        ("load_model (s, median of 3)", "load_s", "{:.3f}", "<= 0.3"),
        ("peak RSS of the step (MB)", "peak_mb", "{:,.0f}", ""),
        ("model file (MB, skops compressed)", "model_mb", "{:.2f}", ""),
    ]
    for name, key, fmt, target in rows:
        d, b = figures["default"][key], figures["baseline"][key]
        say(f"| {name} | {fmt.format(d)} | {fmt.format(b)} | {d / b:.2f}x | {target} |")
    say(
        f"| `research predict` streaming, --jobs 1 (sentences/s, incl. start-up) | "
        f"{stream[1]:,.0f} | | | |"
    )
    say(f"| `research predict` streaming, --jobs 2 --batch-size 50000 | {stream[2]:,.0f} | | | |")
    say(f"| `research run configs/default.toml` end to end (s) | {min(runs):.1f} | | | <= 15 |")
    say("")

    say("## Growth with input size: `research predict` (default model, streaming, --jobs 1)")
    say("")
    say("| sentences | wall time (s) | sentences/s | peak RSS (MB) |")
    say("|---|---|---|---|")
    for n in sizes:
        wall, rss = timed_predict(model_dir, n)
        say(f"| {n:,} | {wall:.1f} | {n / wall:,.0f} | {rss:,.0f} |")
    say("")

    n_ooc = 100_000 if args.quick else 1_000_000
    ooc = in_subprocess(kind="ooc", n=n_ooc, epochs=2)
    say("## Out-of-core training: `hashing_sgd.v1`, batches streamed from an Arrow dataset")
    say("")
    say("| sentences | epochs | Arrow load (s) | training (s) | peak RSS (MB) | target |")
    say("|---|---|---|---|---|---|")
    say(
        f"| {ooc['n']:,} | {ooc['epochs']} | {ooc['arrow_load_s']:.1f} | {ooc['train_s']:.1f} | "
        f"{ooc['peak_mb']:,.0f} | peak RSS <= 2048 MB |"
    )
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
