"""Factories of the linear text models: TF-IDF, cue, hashing and article-context models.

Each returns an unfitted scikit-learn estimator over raw sentence strings; the registry
(:mod:`research.models`) maps versioned names to them.
"""

from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from research.context import ArticleContextClassifier
from research.errors import ConfigError
from research.features import CueFeatures, CueRuleClassifier, NewsAnalyzer
from research.lexicon import CueAnalyzer
from research.vectorize import CompactTfidfVectorizer


def _features(word_ngrams, char_ngrams, min_df, max_features, cues):
    """A FeatureUnion of word TF-IDF, optional char TF-IDF and optional cue features."""
    parts = []
    if word_ngrams is not None:
        parts.append(
            (
                "word",
                TfidfVectorizer(
                    ngram_range=tuple(word_ngrams),
                    min_df=min_df,
                    max_features=max_features,
                    sublinear_tf=True,
                    lowercase=True,
                ),
            )
        )
    if char_ngrams is not None:
        parts.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(char_ngrams),
                    min_df=min_df,
                    max_features=max_features,
                    sublinear_tf=True,
                    lowercase=True,
                ),
            )
        )
    if cues:
        parts.append(("cues", CueFeatures()))
    if not parts:
        raise ConfigError("the model has no features: enable word_ngrams, char_ngrams or cues")
    return FeatureUnion(parts)


def tfidf_logreg_v1(
    *,
    word_ngrams: tuple[int, int] | None = (1, 2),
    char_ngrams: tuple[int, int] | None = None,
    min_df: int = 2,
    max_features: int | None = 100_000,
    cues: bool = True,
    C: float = 4.0,  # noqa: N803 (scikit-learn's name)
    class_weight: str | None = "balanced",
    max_iter: int = 2000,
    random_state: int | None = None,
):
    """TF-IDF word (and optionally char) n-grams plus cue features, logistic regression."""
    return Pipeline(
        [
            ("features", _features(word_ngrams, char_ngrams, min_df, max_features, cues)),
            (
                "clf",
                LogisticRegression(
                    C=C, class_weight=class_weight, max_iter=max_iter, random_state=random_state
                ),
            ),
        ]
    )


def tfidf_logreg_v2(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] | None = None,
    min_df: int = 2,
    max_features: int | None = 100_000,
    cues: bool = True,
    C: float = 4.0,  # noqa: N803
    class_weight: str | None = "balanced",
    max_iter: int = 2000,
    random_state: int | None = None,
):
    """As v1, but cue categories are pseudo-words of the word vectorizer (one tokenization
    instead of two: about 1.7x faster to predict) and their weights are TF-IDF weights."""
    word = TfidfVectorizer(
        analyzer=NewsAnalyzer(tuple(word_ngrams), cues),
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        lowercase=False,
        token_pattern=None,
    )
    features = word
    if char_ngrams is not None:
        features = FeatureUnion(
            [("word", word), ("char", _features(None, char_ngrams, min_df, max_features, False))]
        )
    return Pipeline(
        [
            ("features", features),
            (
                "clf",
                LogisticRegression(
                    C=C, class_weight=class_weight, max_iter=max_iter, random_state=random_state
                ),
            ),
        ]
    )


def tfidf_logreg_v3(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    min_df: int = 2,
    max_features: int | None = 100_000,
    C: float = 4.0,  # noqa: N803
    class_weight: str | None = "balanced",
    max_iter: int = 300,
    random_state: int | None = None,
):
    """Word n-grams plus the v2 lexicon's cue categories and conjunctions
    (:class:`research.lexicon.CueAnalyzer`), logistic regression fitted by Newton-CG
    (the same optimum as lbfgs on these features, ten times faster to reach)."""
    word = cue_vectorizer(word_ngrams, min_df, max_features)
    return newton_logreg(word, C, class_weight, max_iter, random_state)


def cue_vectorizer(word_ngrams, min_df, max_features):
    """tfidf_logreg.v3's word and cue features (also beside the MiniLM embeddings)."""
    return CompactTfidfVectorizer(
        analyzer=CueAnalyzer(tuple(word_ngrams)),
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        lowercase=False,
        token_pattern=None,
    )


def newton_logreg(features, C, class_weight, max_iter, random_state):  # noqa: N803
    """``features`` then logistic regression fitted by Newton-CG."""
    clf = LogisticRegression(
        C=C,
        class_weight=class_weight,
        solver="newton-cg",
        max_iter=max_iter,
        random_state=random_state,
    )
    return Pipeline([("features", features), ("clf", clf)])


def linear_svm_v1(
    *,
    word_ngrams: tuple[int, int] | None = (1, 2),
    char_ngrams: tuple[int, int] | None = None,
    min_df: int = 2,
    max_features: int | None = 100_000,
    cues: bool = True,
    C: float = 0.5,  # noqa: N803
    class_weight: str | None = "balanced",
    calibration: str = "sigmoid",
    calibration_folds: int = 3,
    random_state: int | None = None,
):
    """Linear SVM on the same features, with probabilities calibrated by cross-validation."""
    svm = LinearSVC(C=C, class_weight=class_weight, random_state=random_state)
    return Pipeline(
        [
            ("features", _features(word_ngrams, char_ngrams, min_df, max_features, cues)),
            ("clf", CalibratedClassifierCV(svm, method=calibration, cv=calibration_folds)),
        ]
    )


def complement_nb_v1(
    *,
    word_ngrams: tuple[int, int] | None = (1, 2),
    min_df: int = 1,
    max_features: int | None = 100_000,
    cues: bool = False,
    alpha: float = 0.3,
):
    """Complement naive Bayes over TF-IDF word n-grams: a fast, strong text baseline."""
    return Pipeline(
        [
            ("features", _features(word_ngrams, None, min_df, max_features, cues)),
            ("clf", ComplementNB(alpha=alpha)),
        ]
    )


def cue_rules_v1(*, confidence: float = 0.8):
    """The decision order applied to cue-lexicon hits: no learning, a floor for every table."""
    return Pipeline([("clf", CueRuleClassifier(confidence=confidence))])


def hashing_sgd_v1(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    n_features: int = 2**20,
    cues: bool = True,
    alpha: float = 2e-6,
    random_state: int | None = None,
):
    """Hashed word n-grams (+ cues) and logistic-loss SGD: trains out of core.

    Every feature step is stateless, so the experiment trains it with ``partial_fit`` over
    batches (``[train] batch_size`` and ``epochs``) and memory does not grow with the data.
    """
    parts = [
        (
            "word",
            HashingVectorizer(
                ngram_range=tuple(word_ngrams),
                n_features=n_features,
                alternate_sign=False,
                norm="l2",
            ),
        )
    ]
    if cues:
        parts.append(("cues", CueFeatures()))
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            ("clf", SGDClassifier(loss="log_loss", alpha=alpha, random_state=random_state)),
        ]
    )


def build_context_model(kind, random_state):
    if kind == "logreg":
        # Scaled inputs: probabilities, counts and positions on one scale, so the solver
        # converges in a few iterations instead of hundreds.
        return Pipeline(
            [
                ("scale", StandardScaler()),
                ("clf", LogisticRegression(C=1.0, max_iter=500, random_state=random_state)),
            ]
        )
    if kind == "hgb":
        return HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.08,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            random_state=random_state,
        )
    raise ConfigError(f"model.params.context must be 'hgb' or 'logreg', got {kind!r}")


def tfidf_context_v1(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    min_df: int = 2,
    max_features: int | None = 100_000,
    C: float = 4.0,  # noqa: N803
    class_weight: str | None = "balanced",
    context: str = "logreg",
    n_folds: int = 5,
    random_state: int | None = None,
):
    """tfidf_logreg.v3 for single sentences, plus an article-context stage
    (:class:`research.context.ArticleContextClassifier`) for sentences inside articles."""
    sentence = tfidf_logreg_v3(
        word_ngrams=word_ngrams,
        min_df=min_df,
        max_features=max_features,
        C=C,
        class_weight=class_weight,
        random_state=random_state,
    )
    return ArticleContextClassifier(
        sentence, build_context_model(context, random_state), n_folds=n_folds
    )
