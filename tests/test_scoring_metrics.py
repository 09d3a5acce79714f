"""Scores equal sacrebleu's: corpus, per document and per segment, one or several references."""
from __future__ import annotations

import pytest
import sacrebleu
from sacrebleu.metrics.base import Metric
from sacrebleu.significance import PairedTest

from tm.errors import ScoringError, ValidationError
from tm.scoring.evaluation import evaluate
from tm.scoring.metrics import METRICS, Scorer, parse_metrics
from tm.scoring.significance import compare_to_baseline, paired_test

CAT = "The cat sat on the mat."
RAIN = ["It is raining today.", "He said no."]
RAIN_A = ["Today it rains.", "He said: no."]
RAIN_B = ["It's raining today.", "He refused."]


def _sacrebleu(key: str, **options: object) -> sacrebleu.metrics.base.Metric:
    return {"bleu": sacrebleu.BLEU, "chrf": sacrebleu.CHRF, "ter": sacrebleu.TER,
            "chrf++": lambda **o: sacrebleu.CHRF(word_order=2, **o)}[key](**options)


@pytest.mark.parametrize("hypotheses, references, expected", [
    ([CAT], [[CAT]], {"bleu": 100.0, "chrf": 100.0, "chrf++": 100.0, "ter": 0.0}),
    ([CAT], [["A cat was sitting on the mat."]],
     {"bleu": 37.685, "chrf": 39.7849, "chrf++": 43.3884, "ter": 42.8571}),
    (RAIN, [RAIN_A], {"bleu": 19.0708, "chrf": 40.6145, "chrf++": 41.0028, "ter": 83.3333}),
    (RAIN, [RAIN_A, RAIN_B],
     {"bleu": 34.8878, "chrf": 73.8646, "chrf++": 72.2679, "ter": 54.5455}),
    ([""], [["Nothing here."]], {"bleu": 0.0, "chrf": 0.0, "chrf++": 0.0, "ter": 100.0}),
])
def test_corpus_scores(hypotheses: list[str], references: list[list[str]],
                       expected: dict[str, float]) -> None:
    evaluation = evaluate({"sys": hypotheses}, references, metrics=list(METRICS),
                          tgt_lang="en")
    assert {s.metric: round(s.score, 4) for s in evaluation.scores} == expected


@pytest.mark.parametrize("key", list(METRICS))
@pytest.mark.parametrize("references", [[RAIN_A], [RAIN_A, RAIN_B]], ids=["1ref", "2refs"])
def test_segment_scores_equal_sentence_score(key: str, references: list[list[str]]) -> None:
    scorer = Scorer(key, references, tgt_lang="en")
    reference = _sacrebleu(key, **({"effective_order": True} if key == "bleu" else {}))
    expected = [reference.sentence_score(h, list(refs)).score
                for h, *refs in zip(RAIN, *references, strict=True)]
    assert [scorer.segment(s) for s in scorer.statistics(RAIN)] == pytest.approx(expected)


@pytest.mark.parametrize("key", list(METRICS))
def test_document_scores_equal_corpus_score_of_the_document(key: str) -> None:
    hypotheses = [CAT, *RAIN]
    references = [["A cat was sitting on the mat.", *RAIN_A]]
    evaluation = evaluate({"sys": hypotheses}, references, metrics=[key], tgt_lang="en",
                          groups=["d1", "d2", "d2"])
    expected = {"d1": _sacrebleu(key).corpus_score(hypotheses[:1], [references[0][:1]]).score,
                "d2": _sacrebleu(key).corpus_score(hypotheses[1:], [references[0][1:]]).score}
    assert evaluation.scores[0].groups == pytest.approx(expected)


@pytest.mark.parametrize("key, signature", [
    ("bleu", "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:"),
    ("chrf", "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:"),
    ("chrf++", "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:"),
    ("ter", "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:"),
])
def test_every_score_carries_sacrebleu_signature(key: str, signature: str) -> None:
    scores = evaluate({"s": RAIN}, [RAIN_A], metrics=[key], tgt_lang="en").scores[0]
    assert scores.signature == signature + sacrebleu.__version__


def test_sentence_bleu_signature_says_effective_order() -> None:
    scores = evaluate({"s": RAIN}, [RAIN_A], metrics=["bleu"], tgt_lang="en").scores[0]
    assert "eff:yes" in scores.segment_signature


@pytest.mark.parametrize("lang, tokenizer", [("en", "13a"), ("en-GB", "13a"), ("zh", "zh")])
def test_bleu_tokenizes_for_the_target_language(lang: str, tokenizer: str) -> None:
    assert f"tok:{tokenizer}|" in Scorer("bleu", [["x"]], tgt_lang=lang).signature


@pytest.mark.parametrize("value, expected", [
    ("bleu,chrf,ter", ["bleu", "chrf", "ter"]),
    ("BLEU, chrF++", ["bleu", "chrf++"]),
    ("chrf,chrf", ["chrf"]),
])
def test_parse_metrics(value: str, expected: list[str]) -> None:
    assert parse_metrics(value) == expected


@pytest.mark.parametrize("value", ["", "meteor", "bleu,comet"])
def test_unknown_metrics_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        parse_metrics(value)


@pytest.mark.parametrize("systems, references", [
    ({"s": ["a", "b"]}, [["a"]]),
    ({"s": ["a"]}, []),
    ({"s": []}, [[]]),
])
def test_misaligned_inputs_are_refused(systems: dict[str, list[str]],
                                       references: list[list[str]]) -> None:
    with pytest.raises(ScoringError):
        evaluate(systems, references, metrics=["bleu"], tgt_lang="en")


def test_worker_processes_give_the_same_scores() -> None:
    systems = {"a": RAIN, "b": list(reversed(RAIN))}
    one = evaluate(systems, [RAIN_A], metrics=["bleu", "ter"], tgt_lang="en")
    two = evaluate(systems, [RAIN_A], metrics=["bleu", "ter"], tgt_lang="en", jobs=2)
    assert two.scores == one.scores and two.statistics == one.statistics


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_paired_tests_in_worker_processes_equal_sacrebleu(test: str) -> None:
    systems = [("a", [CAT, *RAIN]), ("b", [CAT, *RAIN_B]), ("c", ["A cat.", *RAIN_A])]
    references = [["A cat was sitting on the mat.", *RAIN_A]]
    evaluation = evaluate(dict(systems), references, metrics=["bleu", "ter"], tgt_lang="en")
    scorers = list(evaluation.scorers.values())
    one = paired_test(systems, scorers, test=test, samples=50)
    two = paired_test(systems, scorers, test=test, samples=50, jobs=2,
                      statistics=evaluation.statistics)
    assert two == one
    metrics = {"BLEU": sacrebleu.BLEU(references=references),
               "TER": sacrebleu.TER(references=references)}
    _, table = PairedTest(systems, metrics, None, test_type=test, n_samples=50,
                          n_ar_confidence=0 if test == "ar" else -1)()
    expected = [(name, r.score, r.p_value) for name in ("BLEU", "TER") for r in table[name]]
    assert [(r.metric.upper(), r.score, r.p_value) for r in two] == expected


def test_paired_test_extracts_no_statistics_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    extract = Metric._extract_corpus_statistics

    def counted(self: Metric, hypotheses: object, references: object) -> object:
        calls.append(type(self).__name__)
        return extract(self, hypotheses, references)

    monkeypatch.setattr(Metric, "_extract_corpus_statistics", counted)
    systems = [("a", [CAT, *RAIN]), ("b", [CAT, *RAIN_B]), ("c", ["A cat.", *RAIN_A])]
    references = [["A cat was sitting on the mat.", *RAIN_A]]
    evaluation = evaluate(dict(systems), references, metrics=["bleu", "chrf", "ter"],
                          tgt_lang="en", groups=["d1", "d2", "d2"])
    paired_test(systems, list(evaluation.scorers.values()), samples=20,
                statistics=evaluation.statistics)
    # Once per system and metric: corpus, document, segment scores and the test reuse them.
    assert sorted(calls) == sorted(["BLEU", "CHRF", "FastTER"] * 3)


@pytest.mark.parametrize("baseline", [None, "a", "b", "c"])
def test_compare_to_baseline_tests_every_system_against_it(baseline: str | None) -> None:
    """By default against the best in the first metric: here c, of the reference's rain."""
    systems = {"a": [CAT, *RAIN], "b": [CAT, *RAIN_B], "c": ["A cat.", *RAIN_A]}
    references = [["A cat was sitting on the mat.", *RAIN_A]]
    evaluation = evaluate(systems, references, metrics=["bleu", "ter"], tgt_lang="en")
    bleu = {s.system: s.score for s in evaluation.scores if s.metric == "bleu"}
    assert max(bleu, key=bleu.__getitem__) == "c"
    first = baseline or "c"
    paired = compare_to_baseline(systems, evaluation, test="bs", baseline=baseline,
                                 samples=20)
    ordered = [first, *(s for s in systems if s != first)]
    expected = paired_test([(s, systems[s]) for s in ordered],
                           list(evaluation.scorers.values()), samples=20)
    assert paired == {(r.system, r.metric): r for r in expected}
    assert all((paired[(s, m)].p_value is None) == (s == first)
               for s in systems for m in ("bleu", "ter"))


def test_compare_to_baseline_refuses_a_baseline_that_was_not_scored() -> None:
    systems = {"a": RAIN, "b": RAIN_B}
    evaluation = evaluate(systems, [RAIN_A], metrics=["bleu"], tgt_lang="en")
    with pytest.raises(ScoringError, match="the baseline 'z' is not one of the systems"):
        compare_to_baseline(systems, evaluation, test="bs", baseline="z")
