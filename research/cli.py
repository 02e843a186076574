"""Command line of the research package: train, compare, evaluate and apply news classifiers.

Only this module prints; the library logs.

Exit codes: 0 success, 1 some input lines were bad (the rest was processed) or
``corpus validate`` / ``corpus overlap`` found problems, 2 usage, config, data or
model-file errors (one line on stderr, no traceback), 130 interrupted.
"""

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from research import progress
from research.errors import ResearchError

log = logging.getLogger("research")


def _run_warnings(run_dir):
    info = json.loads((Path(run_dir) / "run.json").read_text(encoding="utf-8"))
    return info.get("warnings") or []


def _cmd_run(args):
    from research.experiment import run_config
    from research.summary import headline_lines

    run_dirs = run_config(args.config, seed=args.seed, output_dir=args.output_dir)
    for run_dir in run_dirs:
        for line in headline_lines(run_dir):
            print(line)
        for message in _run_warnings(run_dir):  # also kept in run.json
            print(f"research: warning: {message}", file=sys.stderr)
    for run_dir in run_dirs:
        print(run_dir)
    return 0


def _cmd_sweep(args):
    from research.sweep import run_sweep

    run_dirs = run_sweep(
        args.config,
        n_jobs=args.jobs,
        scheduler=args.scheduler,
        output_dir=args.output_dir,
        quiet=args.quiet,
    )
    for run_dir in run_dirs:
        print(run_dir)
    return 0


def _cmd_compare(args):
    from research.compare import compare_runs

    print(compare_runs(args.paths, fmt=args.format, baseline=args.baseline, split=args.split))
    return 0


def _cmd_evaluate(args):
    from research.evaluate import evaluate_model
    from research.summary import metrics_table, slices_table

    metrics, out_dir = evaluate_model(
        args.model,
        args.data,
        output=args.output,
        articles=args.articles or (),
        allow_version_mismatch=args.allow_version_mismatch,
    )
    print(metrics_table(metrics))
    if slices_table(metrics):
        print()
        print(slices_table(metrics))
    if out_dir:
        print(out_dir)
    return 0


def _cmd_predict(args):
    from research.predict import predict_stream

    bad = predict_stream(
        args.model,
        unit=args.unit,
        source=args.input,
        target=args.output,
        batch_size=args.batch_size,
        quiet=args.quiet,
        allow_version_mismatch=args.allow_version_mismatch,
        n_jobs=args.jobs,
    )
    return 1 if bad else 0


def _cmd_export(args):
    from research.evaluate import export_model

    print(export_model(args.run, args.output, fmt=args.format))
    return 0


def _cmd_weak(args):
    from research.weak import weak_dataset

    if args.min_score is not None and args.model is None:
        raise ResearchError("--min-score applies only with --model (the LFs have no score)")
    threshold = {} if args.min_score is None else {"min_score": args.min_score}
    summary = weak_dataset(
        args.corpus,
        args.labelled,
        args.output,
        exclude_ids=args.exclude_ids,
        max_per_label=args.max_per_label,
        model_dir=args.model,
        **threshold,
    )
    print(json.dumps({k: summary[k] for k in ("labels", "skipped", "weights")}))
    print(args.output)
    return 0


def _cmd_corpus(args):
    from research.corpus import add_articles, validate_corpus
    from research.corpus_report import corpus_stats, format_stats

    if args.action == "add":
        if not args.records:
            raise ResearchError("corpus add needs --records FILE... (authoring records)")
        new = add_articles(args.path, args.records)
        splits = sorted(Counter(a["split"] for a in new).items())
        counts = ", ".join(f"{split} {n}" for split, n in splits)
        print(f"{args.path}: added {len(new)} articles ({counts})")
        return 0
    if args.action == "stats":
        print(format_stats(corpus_stats(args.path)))
        return 0
    if args.action == "overlap":
        if not args.against:
            raise ResearchError("corpus overlap needs --against EVAL.jsonl")
        from research.corpus import eval_overlap

        pairs = eval_overlap(args.path, args.against, threshold=args.threshold)
        for score, eval_id, article_id, k in pairs:
            print(f"{score:.3f}  {eval_id}  ~  {article_id}#{k}")
        print(
            f"{args.path}: {len(pairs)} sentences of {args.against} have a corpus sentence "
            f"at TF-IDF cosine >= {args.threshold}"
        )
        return 1 if pairs else 0
    problems = validate_corpus(args.path)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{args.path}: {'valid' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


class _Parser(argparse.ArgumentParser):
    """Usage errors on one line, like every other error (exit code 2)."""

    def error(self, message):
        self.exit(2, f"research: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    parser = _Parser(prog="research", description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="train and evaluate one config; prints the run directory")
    p.add_argument("config", type=Path)
    p.add_argument("--seed", type=int, help="run this seed instead of the config's seeds")
    p.add_argument("--output-dir", type=Path, help="where run directories go")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("sweep", help="run a config's [sweep] grid, in parallel")
    p.add_argument("config", type=Path)
    p.add_argument("--jobs", type=int, default=2, help="parallel runs on this machine")
    p.add_argument("--scheduler", help="address of a dask.distributed scheduler")
    p.add_argument("--output-dir", type=Path)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("compare", help="one table over run directories")
    p.add_argument("paths", nargs="+", type=Path, help="run directories or folders of them")
    p.add_argument("--format", choices=("md", "csv"), default="md")
    p.add_argument("--baseline", type=Path, help="run to test every other run against")
    p.add_argument("--split", help="evaluated split to compare (default: each run's headline)")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("evaluate", help="score a saved model on a labelled file")
    p.add_argument("--model", required=True, type=Path)
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--output", type=Path, help="write metrics and predictions to this new folder")
    p.add_argument(
        "--articles",
        nargs="+",
        type=Path,
        metavar="JSONL",
        help="full texts ({id, text}) of the data's article items: score them by "
        "segmenting and labelling the whole text",
    )
    p.add_argument("--allow-version-mismatch", action="store_true")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("predict", help="label JSONL or text lines with a saved model")
    p.add_argument("--model", required=True, type=Path)
    p.add_argument("--unit", choices=("sentence", "article"), default="sentence")
    p.add_argument("--input", default="-", help="file, or - for stdin")
    p.add_argument("--output", default="-", help="file, or - for stdout")
    p.add_argument(
        "--batch-size",
        type=int,
        help="records held in memory at once (2048; 50000 with --jobs)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes for the model, sentences only (-1: all cores); pays off from "
        "~500,000 lines",
    )
    p.add_argument("--allow-version-mismatch", action="store_true")
    p.set_defaults(func=_cmd_predict)

    p = sub.add_parser("export", help="write a run's model to a new model directory")
    p.add_argument("run", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--format", choices=("skops", "joblib"), default="skops")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("weak", help="weakly label unlabelled news (labelling functions or a model)")
    p.add_argument("--corpus", nargs="+", required=True, type=Path, help="unlabelled JSONL files")
    p.add_argument("--exclude-ids", type=Path, help="ids never to use (held-out evaluation items)")
    p.add_argument(
        "--labelled",
        type=Path,
        default=Path("seeds/corpus.jsonl"),
        help="corpus whose train split weighs the labelling functions",
    )
    p.add_argument("--output", type=Path, required=True)
    p.add_argument("--max-per-label", type=int, default=3000)
    p.add_argument("--model", type=Path, help="label with this trained model instead of the LFs")
    p.add_argument(
        "--min-score",
        type=float,
        help="with --model: keep sentences whose top probability is at least this (0.9)",
    )
    p.set_defaults(func=_cmd_weak)

    p = sub.add_parser(
        "corpus", help="a corpus file: stats, validate, add authoring records, overlap with eval"
    )
    p.add_argument("action", choices=("stats", "validate", "add", "overlap"))
    p.add_argument("path", nargs="?", type=Path, default=Path("seeds/corpus.jsonl"))
    p.add_argument(
        "--records",
        nargs="+",
        type=Path,
        metavar="JSONL",
        help="add: authoring records {id, meta, paragraphs} to assemble and append",
    )
    p.add_argument(
        "--against",
        type=Path,
        metavar="JSONL",
        help="overlap: an evaluation file whose sentences the corpus must not echo",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="overlap: TF-IDF cosine at which a pair is reported (default 0.5)",
    )
    p.set_defaults(func=_cmd_corpus)
    return parser


def _check_parallel_predict(parser, args):
    from research.api import PARALLEL_MIN_TEXTS
    from research.predict import PARALLEL_BATCH_SIZE

    if args.unit == "article":
        parser.error("--jobs applies to --unit sentence; articles are labelled in one process")
    if args.batch_size is not None and args.batch_size < PARALLEL_MIN_TEXTS:
        parser.error(
            f"--jobs {args.jobs} needs --batch-size of at least {PARALLEL_MIN_TEXTS} (smaller "
            f"batches are labelled in one process); leave it out for {PARALLEL_BATCH_SIZE}"
        )


def main(argv=None):
    """Entry point of the ``research`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "batch_size", None) is not None and args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if getattr(args, "jobs", 1) == 0 or getattr(args, "jobs", 1) < -1:
        parser.error("--jobs must be -1 (all cores) or at least 1")
    if args.command == "predict" and args.jobs != 1:
        _check_parallel_predict(parser, args)
    if getattr(args, "seed", None) is not None and not 0 <= args.seed < 2**32:
        parser.error(f"--seed must be between 0 and {2**32 - 1}")
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    progress.enable(not args.quiet)  # bars only on a terminal, never with --quiet
    try:
        return args.func(args)
    except ResearchError as exc:
        print(f"research: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("research: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `research predict ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # the file system refused (disk full, permissions, ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"research: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
