"""Gold cases: the JSONL schema that `clinqa eval` reads (documented in the README).

One case per line::

    {"id": "seed-c01", "set": "seed", "kind": "single" | "followup" | "topic_switch" | "out_of_corpus"
                                              | "retrieval",
     "turns": [{"question": "...", "answerable": true,
                "key_facts": [["20-40 g/week", "20 to 40 g"], ["albumin"]],   # each fact: accepted forms
                "articles": ["cramps-and-numbness"],        # article ids that support the answer
                "sections": ["Pharmacological Management for Cramps"],   # section labels ("" = lead text)
                "references": ["Management of Muscle Cramps in Dialysis Patients"],   # optional
                "pages": [13, 19],                          # optional: PDF pages that state the answer
                "answer": "gold answer text",
                "standalone": "the same question asked without the conversation"},  # optional
               ...],
     "held_out": ["article-id", ...],          # optional: articles hidden from retrieval for this case
     "split_key": "..."}                       # optional: what decides the case's fit/report part (default: id)

A turn with ``"answerable": false`` must be declined; it needs no facts, articles or answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SEED_GOLD = Path(__file__).resolve().parent / "gold" / "seed.jsonl"
KINDS = {"single", "followup", "topic_switch", "out_of_corpus", "retrieval"}


class GoldError(Exception):
    """A gold file that does not follow the schema; the message names the file and line."""


@dataclass(frozen=True)
class GoldTurn:
    question: str
    answerable: bool = True
    key_facts: tuple[tuple[str, ...], ...] = ()
    articles: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    answer: str = ""
    standalone: str | None = None
    pages: tuple[int, ...] = ()  # physical pages (from 1) of a PDF source that state the answer


@dataclass(frozen=True)
class GoldCase:
    id: str
    kind: str
    turns: tuple[GoldTurn, ...]
    set: str = ""
    held_out: frozenset[str] = field(default_factory=frozenset)
    split_key: str = ""  # what split_of hashes, when it is not the id (a case renamed keeps its part)

    @property
    def part_key(self) -> str:
        return self.split_key or self.id


def _turn(raw: dict, where: str) -> GoldTurn:
    if not isinstance(raw.get("question"), str) or not raw["question"].strip():
        raise GoldError(f"{where}: a turn needs a non-empty 'question'")
    answerable = bool(raw.get("answerable", True))
    facts = raw.get("key_facts") or []
    if not isinstance(facts, list) or not all(isinstance(f, list) and f for f in facts):
        raise GoldError(f"{where}: 'key_facts' must be a list of non-empty lists of accepted forms")
    if answerable and not raw.get("articles"):
        raise GoldError(f"{where}: an answerable turn needs 'articles'")
    return GoldTurn(
        question=raw["question"],
        answerable=answerable,
        key_facts=tuple(tuple(str(x) for x in f) for f in facts),
        articles=tuple(raw.get("articles") or ()),
        sections=tuple(raw.get("sections") or ()),
        references=tuple(raw.get("references") or ()),
        answer=str(raw.get("answer") or ""),
        standalone=raw.get("standalone"),
        pages=tuple(int(p) for p in raw.get("pages") or ()),
    )


def parse_case(raw: dict, where: str) -> GoldCase:
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: a case must be a JSON object")
    if not raw.get("id"):
        raise GoldError(f"{where}: a case needs an 'id'")
    kind = raw.get("kind", "single")
    if kind not in KINDS:
        raise GoldError(f"{where}: unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise GoldError(f"{where}: a case needs a non-empty list of 'turns'")
    return GoldCase(
        id=str(raw["id"]),
        kind=kind,
        turns=tuple(_turn(t, f"{where} turn {i + 1}") for i, t in enumerate(turns)),
        set=str(raw.get("set") or ""),
        held_out=frozenset(raw.get("held_out") or ()),
        split_key=str(raw.get("split_key") or ""),
    )


def load_gold(paths: Iterable[Path]) -> list[GoldCase]:
    """Every case of the JSONL files, in order; GoldError on the first line that breaks the schema."""
    cases: list[GoldCase] = []
    seen: set[str] = set()
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise GoldError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{where}: not JSON ({exc.msg})") from exc
            case = parse_case(raw, where)
            if case.id in seen:
                raise GoldError(f"{where}: duplicate case id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    return cases


def case_json(case: GoldCase) -> dict:
    """A case as one JSONL object of the schema above."""
    out: dict = {"id": case.id, "set": case.set, "kind": case.kind, "turns": []}
    for t in case.turns:
        turn: dict = {"question": t.question, "answerable": t.answerable}
        if t.answerable:
            turn.update(
                key_facts=[list(f) for f in t.key_facts],
                articles=list(t.articles),
                sections=list(t.sections),
                answer=t.answer,
            )
            if t.references:
                turn["references"] = list(t.references)
            if t.pages:
                turn["pages"] = list(t.pages)
        if t.standalone:
            turn["standalone"] = t.standalone
        out["turns"].append(turn)
    if case.held_out:
        out["held_out"] = sorted(case.held_out)
    if case.split_key:
        out["split_key"] = case.split_key
    return out


SPLITS = ("all", "fit", "report")


def split_of(case_id: str, seed: int = 1, fit_share: float = 0.5) -> str:
    """'fit' or 'report': a case's part of its gold set, from a seeded hash of its id (stable across runs,
    independent of the file's order)."""
    digest = hashlib.sha256(f"{seed}:{case_id}".encode()).digest()
    return "fit" if int.from_bytes(digest[:8], "big") / 2**64 < fit_share else "report"


def in_split(cases: Sequence[GoldCase], split: str, seed: int = 1, fit_share: float = 0.5) -> list[GoldCase]:
    """The cases of one part ('fit' or 'report'), or all of them ('all')."""
    if split == "all":
        return list(cases)
    return [c for c in cases if split_of(c.part_key, seed, fit_share) == split]
