"""Gold sets drawn from MedQuAD's questions by a seeded sampler; the data itself stays where it is.

- retrieval: templated questions; gold = every article whose normalised focus matches (the same disease
  appears in several articles), and in each the section of the same question type.
- followup: articles with three or more question types; turn 1 names the condition, later turns only say
  "it" ("How is it treated?"); each later turn carries the original question as its standalone form.
- out_of_corpus: a few foci are held out (their articles hidden from retrieval for that case, as if never
  indexed) and a question about them must be declined. Foci are compared with accents folded, possessives
  dropped, plurals made singular ("Thalassemias" is "Thalassemia") and a publisher's frame left out ("What I need
  to know about Hepatitis A" is "Hepatitis A"), and a focus whose words all occur in
  another focus is never held out (that other article covers it).

Gold answers are the articles' own answer texts.

MedQuAD numbers its questions per source, so a question id alone can name questions of two articles ("Is
androgenetic alopecia inherited?" and one on endocarditis share one). A sampled case is named by its article
and question id, which is unique; its fit/report part is still decided by the question id it was first named
by (``split_key``), so the parts that earlier fits were made on stay as they were.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from corpus.markdown_reader import read_markdown_article
from corpus.types import ReadError
from evals.gold import GoldCase, GoldTurn

FOLLOWUP_WORDING = {
    "treatment": "How is it treated?",
    "symptoms": "What are its symptoms?",
    "inheritance": "Is it inherited?",
    "frequency": "How common is it?",
    "genetic changes": "What genetic changes cause it?",
    "causes": "What causes it?",
    "exams and tests": "How is it diagnosed?",
    "research": "What research is being done on it?",
    "outlook": "What is the outlook for it?",
    "susceptibility": "Who is at risk for it?",
    "considerations": "What should be considered with it?",
    "prevention": "Can it be prevented?",
    "stages": "What are its stages?",
    "complications": "What are its complications?",
}


def _singular(word: str) -> str:
    """A plural's singular, for comparing names only: 'thalassemias' -> 'thalassemia', 'allergies' -> 'allergy'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# How two of MedQuAD's publishers frame a condition's name in their titles, which is no part of the name:
# NIDDK's "What I need to know about Hepatitis A" is MedlinePlus's "Hepatitis A", CDC's "Parasites - Lymphatic
# Filariasis" GARD's "Lymphatic filariasis".
_PUBLISHER_FRAME = re.compile(r"^(?:what i need to know about|parasite)\s+(?=\S)")


def normalize_focus(focus: str) -> str:
    """Lower case, accents folded ('Barré' = 'Barre'), possessives dropped ("Kaposi's" = 'Kaposi'), plurals
    singular ('Thalassemias' = 'Thalassemia'), punctuation as spaces, a publisher's frame dropped ("What I need
    to know about Gas" = 'Gas'): one name however each source writes it."""
    bare = re.sub(r"['\u2019]s\b", "", focus.lower())
    folded = unicodedata.normalize("NFKD", bare).encode("ascii", "ignore").decode()
    name = " ".join(_singular(w) for w in re.sub(r"[^a-z0-9]+", " ", folded).split())
    return _PUBLISHER_FRAME.sub("", name, count=1)


class MedQuAD:
    """The questions of a MedQuAD folder, indexed by focus, article and section."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.questions: list[dict] = [
            json.loads(line)
            for line in (self.folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        self.by_focus: dict[str, list[dict]] = defaultdict(list)
        self.by_article: dict[str, list[dict]] = defaultdict(list)
        for q in self.questions:
            self.by_focus[normalize_focus(q["focus"])].append(q)
            self.by_article[q["article"]].append(q)
        self._answers: dict[tuple[str, str], str] = {}

    @staticmethod
    def article_id(file_name: str) -> str:
        return Path(file_name).stem

    @classmethod
    def case_id(cls, kind: str, q: dict) -> str:
        """'medquad-r-<article>/<question id>': unique where the question id alone is not."""
        return f"medquad-{kind}-{cls.article_id(q['article'])}/{q['qid']}"

    def answer(self, file_name: str, section: str) -> str:
        """The article's own answer text under ``section``."""
        key = (file_name, section)
        if key not in self._answers:
            text = ""
            try:
                article = read_markdown_article(self.folder / "articles" / file_name)
                for s in article.sections:
                    if s.heading_path and s.heading_path[-1] == section.strip():
                        text = " ".join(b.text for b in s.blocks)
                        break
            except (OSError, ReadError):
                pass
            self._answers[key] = text
        return self._answers[key]

    def gold_turn(self, q: dict, question: str | None = None, standalone: str | None = None) -> GoldTurn:
        same_focus = self.by_focus[normalize_focus(q["focus"])]
        articles = sorted({self.article_id(x["article"]) for x in same_focus})
        sections = sorted({x["section"].strip() for x in same_focus if x["qtype"] == q["qtype"]})
        return GoldTurn(
            question=question or q["question"],
            answerable=True,
            articles=tuple(articles),
            sections=tuple(sections),
            answer=self.answer(q["article"], q["section"]),
            standalone=standalone,
        )

    def retrieval_cases(self, n: int, seed: int) -> list[GoldCase]:
        rng = random.Random(seed)
        picked = rng.sample(self.questions, min(n, len(self.questions)))
        return [
            GoldCase(
                self.case_id("r", q),
                "retrieval",
                (self.gold_turn(q),),
                "medquad-retrieval",
                split_key=f"medquad-r-{q['qid']}",
            )
            for q in picked
        ]

    def followup_cases(self, n: int, seed: int) -> list[GoldCase]:
        rng = random.Random(seed + 1)
        eligible = []
        for file_name, qs in sorted(self.by_article.items()):
            types = {q["qtype"] for q in qs}
            if len(types) >= 3 and len(types & set(FOLLOWUP_WORDING)) >= 2:
                eligible.append(file_name)
        cases = []
        for file_name in rng.sample(eligible, min(n, len(eligible))):
            qs = self.by_article[file_name]
            first = next((q for q in qs if q["qtype"] == "information"), qs[0])
            later = [q for q in qs if q is not first and q["qtype"] in FOLLOWUP_WORDING]
            rng.shuffle(later)
            turns = [self.gold_turn(first)]
            for q in later[:2]:
                turns.append(self.gold_turn(q, FOLLOWUP_WORDING[q["qtype"]], standalone=q["question"]))
            if len(turns) >= 2:
                cases.append(
                    GoldCase(f"medquad-f-{Path(file_name).stem}", "followup", tuple(turns), "medquad-followup")
                )
        return cases

    def out_of_corpus_cases(self, n: int, seed: int) -> list[GoldCase]:
        rng = random.Random(seed + 2)
        # A focus whose words all name another focus too ("stevens johnson syndrome" and "stevens johnson
        # syndrome toxic epidermal necrolysis") is covered by that article: it is not out of the corpus.
        words = {f: set(f.split()) for f in self.by_focus}
        foci = sorted(f for f in self.by_focus if not any(g != f and words[f] <= words[g] for g in words))
        cases = []
        for focus in rng.sample(foci, min(n, len(foci))):
            qs = self.by_focus[focus]
            q = rng.choice(qs)
            held = frozenset(self.article_id(x["article"]) for x in qs)
            cases.append(
                GoldCase(
                    self.case_id("o", q),
                    "out_of_corpus",
                    (GoldTurn(question=q["question"], answerable=False),),
                    "medquad-ooc",
                    held,
                    split_key=f"medquad-o-{q['qid']}",
                )
            )
        return cases

    def cases(self, retrieval: int, followup: int, out_of_corpus: int, seed: int) -> list[GoldCase]:
        return (
            self.retrieval_cases(retrieval, seed)
            + self.followup_cases(followup, seed)
            + self.out_of_corpus_cases(out_of_corpus, seed)
        )
