"""The ``research`` command's arguments: one parser per subcommand, and the checks of values
argparse cannot express. :mod:`research.cli` runs what they name."""

import argparse
from pathlib import Path

__all__ = ["build_parser", "check_args"]

DESCRIPTION = (
    "Command line of the research package: train, compare, evaluate and apply news classifiers."
)


class _Parser(argparse.ArgumentParser):
    """Usage errors on one line, like every other error (exit code 2)."""

    def error(self, message):
        self.exit(2, f"research: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    """The argument parser of the ``research`` command (``command`` names the subcommand)."""
    parser = _Parser(prog="research", description=DESCRIPTION)
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_run(sub)
    _add_sweep(sub)
    _add_compare(sub)
    _add_evaluate(sub)
    _add_predict(sub)
    _add_export(sub)
    _add_weak(sub)
    _add_corpus(sub)
    return parser


def _add_run(sub):
    p = sub.add_parser("run", help="train and evaluate one config; prints the run directory")
    p.add_argument("config", type=Path)
    p.add_argument("--seed", type=int, help="run this seed instead of the config's seeds")
    p.add_argument("--output-dir", type=Path, help="where run directories go")


def _add_sweep(sub):
    p = sub.add_parser("sweep", help="run a config's [sweep] grid, in parallel")
    p.add_argument("config", type=Path)
    p.add_argument("--jobs", type=int, default=2, help="parallel runs on this machine")
    p.add_argument("--scheduler", help="address of a dask.distributed scheduler")
    p.add_argument("--output-dir", type=Path)


def _add_compare(sub):
    p = sub.add_parser("compare", help="one table over run directories")
    p.add_argument("paths", nargs="+", type=Path, help="run directories or folders of them")
    p.add_argument("--format", choices=("md", "csv"), default="md")
    p.add_argument("--baseline", type=Path, help="run to test every other run against")
    p.add_argument("--split", help="evaluated split to compare (default: each run's headline)")


def _add_evaluate(sub):
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


def _add_predict(sub):
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


def _add_export(sub):
    p = sub.add_parser("export", help="write a run's model to a new model directory")
    p.add_argument("run", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--format", choices=("skops", "joblib"), default="skops")


def _add_weak(sub):
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


def _add_corpus(sub):
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


def check_args(parser, args):
    """Refuse values argparse lets through (one line, exit code 2, via ``parser.error``)."""
    if getattr(args, "batch_size", None) is not None and args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if getattr(args, "jobs", 1) == 0 or getattr(args, "jobs", 1) < -1:
        parser.error("--jobs must be -1 (all cores) or at least 1")
    if args.command == "predict" and args.jobs != 1:
        _check_parallel_predict(parser, args)
    from research.config_checks import SEED_LIMIT, valid_seed

    if getattr(args, "seed", None) is not None and not valid_seed(args.seed):
        parser.error(f"--seed must be between 0 and {SEED_LIMIT - 1}")


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
