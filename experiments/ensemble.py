"""Score an equal-weight ensemble of saved models on a labelled file, as `research evaluate`.

    python experiments/ensemble.py MODEL_DIR MODEL_DIR [...] \
        [--data ../shared/eval/real_dev.jsonl] [--articles ../shared/corpora/*.jsonl]

Each model gives its calibrated probabilities (its own dev-fitted temperature), sentences
one by one and inside their articles; the ensemble takes their mean and the most probable
label. Nothing is tuned: the weights are equal and no offsets apply, so scoring on real_dev
chooses nothing. The protocol is the one of ``research evaluate --articles``: this script
only swaps in the ensemble where that command loads one model.
"""

import argparse
import glob
import json
import sys
from pathlib import Path
from unittest.mock import patch

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import research.evaluate  # noqa: E402
from research.api import Model, load_model  # noqa: E402

SHARED = ROOT.parent / "shared"
#: The order of per-label figures in the project's tables.
ORDER = ("attack_report", "attribution", "official_denial", "background_context", "other")


class MeanOfModels(Model):
    """The mean of several loaded models' calibrated probabilities; plain argmax decisions."""

    def __init__(self, models):
        labels = {model.labels for model in models}
        if len(labels) != 1:
            raise SystemExit(f"the models' labels differ: {sorted(labels)}")
        first = models[0]
        super().__init__(first.estimator, dict(first.metadata, decision={}))
        self.models = models

    def predict_proba(self, texts):
        return np.mean([model.predict_proba(texts) for model in self.models], axis=0)

    def predict_proba_in_articles(self, texts, sizes, breaks=None):
        return np.mean(
            [model.predict_proba_in_articles(texts, sizes, breaks) for model in self.models],
            axis=0,
        )


def score(model_dirs, data, articles):
    """``research evaluate``'s metrics dict for the ensemble of ``model_dirs``."""
    ensemble = MeanOfModels([load_model(d) for d in model_dirs])
    with patch.object(research.evaluate, "load_model", lambda *args, **kwargs: ensemble):
        metrics, _ = research.evaluate.evaluate_model(model_dirs[0], data, articles=articles)
    return metrics[Path(data).stem]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dirs", nargs="+")
    parser.add_argument("--data", default=str(SHARED / "eval" / "real_dev.jsonl"))
    parser.add_argument(
        "--articles", nargs="*", default=sorted(glob.glob(str(SHARED / "corpora" / "*.jsonl")))
    )
    args = parser.parse_args()
    metrics = score(args.model_dirs, args.data, args.articles)
    sentence, article = metrics["sentence"], metrics.get("article") or {}
    per_label = " / ".join(f"{sentence['per_label'][label]['f1']:.2f}" for label in ORDER)
    low, high = sentence["ci"]["macro_f1"]
    print(f"models: {', '.join(args.model_dirs)}")
    print(f"macro-F1 {sentence['macro_f1']:.3f} [{low:.2f}, {high:.2f}]")
    print(f"per label (attack / attrib / denial / backgr / other) {per_label}")
    print(f"article micro-F1 {article.get('micro_f1', float('nan')):.3f}")
    print(json.dumps({"sentence": sentence["macro_f1"], "article": article.get("micro_f1")}))


if __name__ == "__main__":
    main()
