"""Command line of the research package: train, compare, evaluate and apply news classifiers.

Only this module prints; the library logs.

Exit codes: 0 success, 1 some input lines were bad (the rest was processed) or
``corpus validate`` / ``corpus overlap`` found problems, 2 usage, config, data or
model-file errors (one line on stderr, no traceback), 130 interrupted.
"""

import json
import logging
import sys
from collections import Counter
from pathlib import Path

from research import interrupt, progress
from research.cli_args import build_parser, check_args
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


COMMANDS = {
    "run": _cmd_run,
    "sweep": _cmd_sweep,
    "compare": _cmd_compare,
    "evaluate": _cmd_evaluate,
    "predict": _cmd_predict,
    "export": _cmd_export,
    "weak": _cmd_weak,
    "corpus": _cmd_corpus,
}


def main(argv=None):
    """Entry point of the ``research`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_args(parser, args)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    progress.enable(not args.quiet)  # bars only on a terminal, never with --quiet
    try:
        with interrupt.recording():
            status = COMMANDS[args.command](args)
            interrupt.raise_if_requested()  # pressed, but swallowed by a finaliser
        return status
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
