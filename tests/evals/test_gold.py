"""The gold sets: the hand-written seed set is sound, and bad gold files fail with their line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.text_reader import read_text_article
from evals.gold import SEED_GOLD, GoldError, load_gold
from evals.metrics import normalize
from tests.conftest import MEDQUAD, SEEDS


def test_seed_gold_covers_every_kind() -> None:
    cases = load_gold([SEED_GOLD])
    kinds = Counter(c.kind for c in cases)
    assert len(cases) >= 40
    assert kinds["single"] >= 25 and kinds["followup"] >= 5 and kinds["out_of_corpus"] >= 5
    assert kinds["topic_switch"] >= 1
    drift = [c for c in cases if c.kind == "followup" and not c.turns[-1].answerable]
    assert len(drift) >= 2  # follow-ups that drift out of the corpus
    assert any(len(c.turns) >= 3 for c in cases)


def test_every_seed_key_fact_is_in_its_article() -> None:
    """A gold fact the article does not state would reward a made-up answer."""
    texts = {}
    for path in SEEDS.glob("*.txt"):
        article = read_text_article(path)
        texts[article.id] = normalize(" ".join(b.text for s in article.sections for b in s.blocks))
    for case in load_gold([SEED_GOLD]):
        for turn in case.turns:
            if not turn.answerable:
                continue
            for forms in turn.key_facts:
                assert any(normalize(f) in texts[a] for f in forms for a in turn.articles), (case.id, forms)


def test_bad_gold_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    good = {"id": "a", "kind": "single", "turns": [{"question": "q", "articles": ["x"]}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps({"id": "b", "kind": "weird", "turns": []}) + "\n")
    with pytest.raises(GoldError, match=r"gold.jsonl:2: unknown kind 'weird'"):
        load_gold([path])
    path.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(GoldError, match=r":2: not JSON"):
        load_gold([path])
    path.write_text(json.dumps({"id": "c", "turns": [{"question": "q"}]}) + "\n")
    with pytest.raises(GoldError, match="needs 'articles'"):
        load_gold([path])


@pytest.mark.skipif(not (MEDQUAD / "questions.jsonl").is_file(), reason="MedQuAD is not beside the project")
def test_medquad_sampler_is_seeded_and_sound() -> None:
    from evals.sampling import MedQuAD

    data = MedQuAD(MEDQUAD)
    first = data.cases(20, 5, 5, seed=7)
    again = data.cases(20, 5, 5, seed=7)
    assert [c.id for c in first] == [c.id for c in again]
    assert [c.id for c in data.cases(20, 5, 5, seed=8)] != [c.id for c in first]
    retrieval = [c for c in first if c.kind == "retrieval"]
    assert len(retrieval) == 20
    for case in retrieval:
        turn = case.turns[0]
        assert turn.articles and turn.sections and turn.answer
    followups = [c for c in first if c.kind == "followup"]
    assert followups and all(len(c.turns) >= 2 for c in followups)
    for case in followups:
        for turn in case.turns[1:]:
            assert turn.standalone and " it" in f" {turn.question}".replace("its", "it")
    ooc = [c for c in first if c.kind == "out_of_corpus"]
    assert len(ooc) == 5 and all(c.held_out and not c.turns[0].answerable for c in ooc)


def test_a_focus_is_one_name_however_a_source_writes_it() -> None:
    from evals.sampling import normalize_focus

    assert normalize_focus("Thalassemias") == normalize_focus("Thalassemia")
    assert normalize_focus("Kaposi's Sarcoma") == normalize_focus("Kaposi\u2019s sarcoma") == "kaposi sarcoma"
    assert normalize_focus("Guillain-Barr\u00e9 syndrome") == "guillain barre syndrome"
    assert normalize_focus("Food Allergies") == normalize_focus("food allergy")
    # A subtype's letter is no possessive, and a word that only ends in "s" keeps it.
    assert normalize_focus("Protein S deficiency") == "protein s deficiency"
    assert normalize_focus("Cystic fibrosis") == "cystic fibrosis"
    # A publisher's frame around the name is no part of it; a name that only begins with the frame's word is.
    assert normalize_focus("What I need to know about Hepatitis A") == normalize_focus("Hepatitis A")
    assert normalize_focus("Parasites - Lymphatic Filariasis") == normalize_focus("Lymphatic filariasis")
    assert normalize_focus("Parasitic twin") == "parasitic twin"


@pytest.mark.skipif(not (MEDQUAD / "questions.jsonl").is_file(), reason="MedQuAD is not beside the project")
def test_a_name_in_the_plural_and_the_singular_is_one_focus() -> None:
    """MedQuAD has "Thalassemias" (one source) and "Thalassemia" (another): a question on one scores the
    other's article as gold too, and an out-of-corpus case on the name hides both."""
    from evals.sampling import MedQuAD

    data = MedQuAD(MEDQUAD)
    plural = next(q for q in data.questions if q["focus"] == "Thalassemias")
    singular = {data.article_id(q["article"]) for q in data.questions if q["focus"] == "Thalassemia"}
    assert singular and data.article_id(plural["article"]) not in singular
    assert singular <= set(data.gold_turn(plural).articles)
    foci = data.by_focus.keys()
    assert "thalassemia" in foci and "thalassemias" not in foci


@pytest.mark.skipif(not (MEDQUAD / "questions.jsonl").is_file(), reason="MedQuAD is not beside the project")
def test_a_name_framed_by_its_publisher_is_the_focus_of_the_bare_name() -> None:
    """NIDDK titles an article "What I need to know about Hepatitis A", MedlinePlus "Hepatitis A": a question on
    one scores the other's article as gold too, so that an out-of-corpus case on the name hides both."""
    from evals.sampling import MedQuAD

    data = MedQuAD(MEDQUAD)
    framed = next(q for q in data.questions if q["focus"] == "What I need to know about Hepatitis A")
    bare = {data.article_id(q["article"]) for q in data.questions if q["focus"] == "Hepatitis A"}
    assert bare and data.article_id(framed["article"]) not in bare
    assert bare <= set(data.gold_turn(framed).articles)


@pytest.mark.skipif(not (MEDQUAD / "questions.jsonl").is_file(), reason="MedQuAD is not beside the project")
def test_sampled_cases_have_ids_of_their_own_and_load_back_into_the_same_parts(tmp_path: Path) -> None:
    """MedQuAD numbers its questions per source, so a question id names several questions; the README's sample
    holds some of them. Each case is still reported under its own id, a written sample loads back as it was,
    and each case keeps the part its question id gave it before (the parts earlier fits were made on)."""
    from evals.evaluate import gather_cases
    from evals.gold import in_split
    from evals.sampling import MedQuAD

    data = MedQuAD(MEDQUAD)
    assert len({q["qid"] for q in data.questions}) < len(data.questions)  # the reason for the test
    sampled = gather_cases([], MEDQUAD, (300, 60, 30), 13, tmp_path)
    ids = [c.id for c in sampled]
    assert len(set(ids)) == len(ids)
    for case in sampled:  # the id the case had before is what decides its part
        if case.kind != "followup":
            assert case.part_key == f"medquad-{case.id.split('-')[1]}-{case.id.rsplit('/', 1)[1]}"
    loaded = load_gold([tmp_path / "medquad-gold.jsonl"])
    assert [c.id for c in loaded] == ids
    for part in ("fit", "report"):
        assert [c.id for c in in_split(loaded, part)] == [c.id for c in in_split(sampled, part)]


def test_the_split_is_stable_and_divides_each_set() -> None:
    from evals.gold import in_split, split_of

    cases = load_gold([SEED_GOLD])
    fit_part, report_part = in_split(cases, "fit"), in_split(cases, "report")
    assert {c.id for c in fit_part}.isdisjoint({c.id for c in report_part})
    assert len(fit_part) + len(report_part) == len(cases)
    assert 0.3 < len(fit_part) / len(cases) < 0.7
    assert [split_of(c.id) for c in cases] == [split_of(c.id) for c in cases]
    assert in_split(cases, "fit", seed=2) != fit_part
