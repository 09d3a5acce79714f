"""sacrebleu's metric objects (BLEU, chrF, chrF++, TER) behind one registry.

A ``Scorer`` is one metric with its references cached (sacrebleu's own reference cache),
so every system is scored against them without re-reading them. It works from sacrebleu's
segment statistics, as sacrebleu's paired tests do: one extraction per system gives the
corpus score, any document's score (statistics summed over its segments) and every segment's
score, each equal to what ``corpus_score`` and ``sentence_score`` return.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sacrebleu.metrics.base import Metric
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.utils import sum_of_lists

from tm.errors import ScoringError, ValidationError
from tm.scoring.ter import FastTER

# Target languages whose text has no spaces between words: sacrebleu then tokenizes BLEU
# with its own language tokenizer (``trg_lang``) and TER at the character level.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "ko"})
# chrF++ is chrF with word unigrams and bigrams added (Popović 2017), as in sacrebleu.
CHRF_PLUS_WORD_ORDER = 2

Stats = list[Any]  # one segment's sufficient statistics, as sacrebleu computes them


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A metric Sverka offers: its key, its label and how to build sacrebleu's object."""

    key: str
    label: str
    higher_is_better: bool
    build: Callable[..., Metric]  # build(lang, references=..., **options)


def _bleu(lang: str, **options: Any) -> Metric:
    return BLEU(trg_lang=lang, **options)


def _chrf(lang: str, **options: Any) -> Metric:
    return CHRF(**options)


def _chrf_plus(lang: str, **options: Any) -> Metric:
    return CHRF(word_order=CHRF_PLUS_WORD_ORDER, **options)


def _ter(lang: str, **options: Any) -> Metric:
    # sacrebleu's TER with the same statistic computed in fewer steps (tm.scoring.ter).
    return FastTER(asian_support=lang in UNSPACED_LANGUAGES, **options)


METRICS: dict[str, MetricSpec] = {spec.key: spec for spec in (
    MetricSpec("bleu", "BLEU", True, _bleu),
    MetricSpec("chrf", "chrF", True, _chrf),
    MetricSpec("chrf++", "chrF++", True, _chrf_plus),
    MetricSpec("ter", "TER", False, _ter),
)}
DEFAULT_METRICS = ("bleu", "chrf", "ter")


def parse_metrics(value: str | Sequence[str]) -> list[str]:
    """Return the metric keys of ``bleu,chrf,ter`` (or a list of keys), checked, in order."""
    keys = value.split(",") if isinstance(value, str) else list(value)
    keys = [k.strip().lower() for k in keys if k.strip()]
    unknown = [k for k in keys if k not in METRICS]
    if unknown:
        raise ValidationError("metric-unknown", "unknown metric {metric}: choose from {choices}",
                              metric=", ".join(unknown), choices=", ".join(METRICS))
    if not keys:
        raise ValidationError("metric-missing", "no metric given: choose from {choices}",
                              choices=", ".join(METRICS))
    return list(dict.fromkeys(keys))


def primary_subtag(lang: str) -> str:
    """Return the language of a BCP 47 tag (``en`` of ``en-GB``), as sacrebleu names them."""
    return lang.split("-")[0].lower()


class Scorer:
    """One metric against fixed references, for any number of systems."""

    def __init__(self, key: str, references: Sequence[Sequence[str]], *, tgt_lang: str) -> None:
        self.spec = METRICS[key]
        lang = primary_subtag(tgt_lang)
        try:
            # sacrebleu's reference cache: references are tokenized once for every system.
            self.metric = self.spec.build(lang, references=references)
            # Sentence BLEU counts only the n-gram orders a short segment has (effective
            # order), as sacrebleu's --sentence-level does; corpus BLEU does not.
            self._segment_metric = (self.spec.build(lang, effective_order=True)
                                    if key == "bleu" else self.metric)
        except (ImportError, RuntimeError) as error:  # e.g. MeCab missing for ja/ko BLEU
            raise ScoringError("metric-unavailable",
                               "cannot score {metric} for language {lang}: {reason}",
                               metric=self.spec.label, lang=tgt_lang,
                               reason=str(error)) from error

    @property
    def key(self) -> str:
        """The registry key: bleu, chrf, chrf++ or ter."""
        return self.spec.key

    @property
    def signature(self) -> str:
        """sacrebleu's signature of corpus and document scores."""
        return str(self.metric.get_signature().format())

    @property
    def segment_signature(self) -> str:
        """sacrebleu's signature of segment scores (effective order for BLEU)."""
        signature = self.metric.get_signature()
        if self.key == "bleu":
            signature.update("eff", "yes")
        return str(signature.format())

    def statistics(self, hypotheses: Sequence[str]) -> list[Stats]:
        """Return each segment's sufficient statistics against the cached references."""
        return list(self.metric._extract_corpus_statistics(hypotheses, None))

    def corpus(self, statistics: Sequence[Stats]) -> float:
        """Return the score of the segments whose statistics are given, as one corpus."""
        return float(self.metric._compute_score_from_stats(sum_of_lists(statistics)).score)

    def segment(self, stats: Stats) -> float:
        """Return one segment's score, as ``sentence_score`` would."""
        return float(self._segment_metric._compute_score_from_stats(stats).score)

    @property
    def name(self) -> str:
        """sacrebleu's name of the score (BLEU, chrF2, chrF2++, TER), as its paired tests use."""
        if isinstance(self.metric, CHRF):
            return f"chrF{self.metric.beta}" + "+" * self.metric.word_order
        return self.spec.label
