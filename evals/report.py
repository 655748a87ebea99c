"""The report of an evaluation run: report.json, report.md and a self-contained report.html with plots."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.runner import ANSWER_METRICS, ANSWERABLE_METRICS, KS, TurnResult

DEFINITIONS = {
    "article_recall@k": "share of answerable turns with a gold article among the first k distinct retrieved articles",
    "section_recall@k": "the same for (article, section) pairs: a gold section of a gold article among the first k",
    "article_mrr": "mean of 1/rank of the first gold article",
    "article_ndcg@10": "nDCG@10 over distinct retrieved articles, binary relevance",
    "key_fact_recall": "share of a turn's key facts (any accepted form) found in the answer; mean over every "
    "answerable turn, a declined one scoring 0",
    "lead_key_fact": "answerable turns whose answer's first statement carries a key fact / answerable turns with "
    "key facts (a decline is 0)",
    "key_fact_recall_answered": "the same, over answered turns only (never reported without the figure above)",
    "gold_article_cited": "answerable turns whose answer cites a gold article / answerable turns (a decline is 0)",
    "gold_article_cited_answered": "the same over answered turns",
    "gold_page_cited": "answerable turns with gold pages whose answer cites a gold page of a gold PDF / those turns",
    "token_f1": "token F1 of the answer against the gold answer text",
    "rouge_l": "ROUGE-L F1 (longest common token subsequence) against the gold answer text",
    "citation_precision": "(statement, source) pairs whose statement is verbatim in the cited passage / all pairs",
    "citation_recall": "statements with at least one valid citation / all statements",
    "correct_source_rate": "citations to a gold article / all citations",
    "reference_hit": "turns whose gold reference entry is among the answer's cited references",
    "unsupported_numbers": "numbers in an answer statement that none of its cited passages contains (target 0)",
    "unsupported_statements": "sentences of a language model's answer that verification marked unsupported",
    "decline_recall": "out-of-corpus turns declined / out-of-corpus turns",
    "decline_precision": "out-of-corpus turns declined / all declined turns",
    "false_decline_rate": "answerable turns declined / answerable turns",
    "followup_*, standalone_*": "a follow-up turn's score, and the same question asked alone in a new conversation",
    "latency": "wall time of one turn, end to end, in the running process (median and 95th percentile)",
}

ROWS = [
    *[f"article_recall@{k}" for k in KS],
    "article_mrr",
    "article_ndcg@10",
    *[f"section_recall@{k}" for k in KS],
    *ANSWERABLE_METRICS,
    *ANSWER_METRICS,
    "unsupported_numbers",
    "decline_recall",
    "decline_precision",
    "false_decline_rate",
    "followup_article_recall@5",
    "standalone_article_recall@5",
    "followup_section_recall@5",
    "standalone_section_recall@5",
    "followup_key_fact_recall",
    "standalone_key_fact_recall",
    "latency_median_ms",
    "latency_p95_ms",
    "turns",
    "failed_turns",
]


def _fmt(value: float | None, key: str) -> str:
    if value is None:
        return "–"
    if key.endswith("_ms"):
        return f"{value:.1f}"
    if key in ("turns", "failed_turns", "unsupported_numbers", "unsupported_statements"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def summary_table(summaries: dict[str, dict[str, float]]) -> list[list[str]]:
    names = list(summaries)
    rows = [["metric", *names]]
    for key in ROWS:
        if any(key in s for s in summaries.values()):
            rows.append([key, *(_fmt(summaries[n].get(key), key) for n in names)])
    return rows


def _md_table(rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(out)


def _case_rows(turns: Sequence[TurnResult]) -> list[list[str]]:
    ordered = sorted(turns, key=lambda t: (not t.failed, t.system, t.case_id, t.turn))
    rows = [["status", "system", "case", "turn", "question", "searched for", "answer", "citations", "what went wrong"]]
    for t in ordered:
        cites = "; ".join(
            f"[{c['number']}] {c['article']}"
            + (f" › {c['section']}" if c.get("section") else "")
            + (f" ({c['reference']})" if c.get("reference") else "")
            for c in t.citations
        )
        answer = ("DECLINED: " + t.reason) if t.abstained else t.answer
        rows.append(
            [
                "FAIL" if t.failed else "ok",
                t.system,
                t.case_id,
                str(t.turn),
                t.question,
                t.standalone if t.standalone != t.question else "",
                answer[:400],
                cites[:400],
                "; ".join(t.failures),
            ]
        )
    return rows


def _plots(turns: Sequence[TurnResult], curves: dict[str, list[dict[str, float]]]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = sorted({t.system for t in turns})
    images: dict[str, str] = {}

    def save(fig: Any, name: str) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        images[name] = base64.b64encode(buffer.getvalue()).decode()

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, level in zip(axes, ("article", "section"), strict=True):
        for system in systems:
            pool = [t for t in turns if t.system == system and t.answerable]
            ys = []
            for k in KS:
                values = [t.scores[f"{level}_recall@{k}"] for t in pool if f"{level}_recall@{k}" in t.scores]
                ys.append(sum(values) / len(values) if values else float("nan"))
            ax.plot(KS, ys, marker="o", label=system)
        ax.set_title(f"{level} recall@k")
        ax.set_xlabel("k")
        ax.set_ylim(0, 1.02)
        ax.set_xticks(KS)
        ax.grid(alpha=0.3)
        ax.legend()
    save(fig, "recall")

    fig, ax = plt.subplots(figsize=(6, 3.2))
    for system in systems:
        ax.hist([t.scores["latency_ms"] for t in turns if t.system == system], bins=30, alpha=0.6, label=system)
    ax.set_xlabel("latency per turn (ms)")
    ax.set_ylabel("turns")
    ax.legend()
    save(fig, "latency")

    fig, ax = plt.subplots(figsize=(5, 3.6))
    for system, points in curves.items():
        line = ax.plot([p["coverage"] for p in points], [p["risk"] for p in points], marker=".", label=system)
        # The first point (no further threshold) is where the system answers as it stands.
        ax.plot(points[0]["coverage"], points[0]["risk"], marker="*", markersize=13, color=line[0].get_color())
    ax.set_title("coverage-risk (★ as it answers)")
    ax.set_xlabel("coverage (answerable turns answered)")
    ax.set_ylabel("risk (answered turns that are wrong)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, "coverage_risk")
    return images


def write_report(
    out: Path,
    turns: Sequence[TurnResult],
    summaries: dict[str, dict[str, float]],
    curves: dict[str, list[dict[str, float]]],
    config: dict[str, Any],
    by_set: dict[str, dict[str, float]] | None = None,
) -> dict[str, Path]:
    """Write the three report files into ``out``; return their paths.

    ``by_set`` holds the same figures for each gold set and system, when the run mixed sets.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    paths["json"].write_text(
        json.dumps(
            {
                "config": config,
                "systems": summaries,
                "by_set": by_set or {},
                "coverage_risk": curves,
                "definitions": DEFINITIONS,
                "turns": [asdict(t) | {"failed": t.failed} for t in turns],
            },
            indent=2,
            ensure_ascii=False,
        )
    )

    table = summary_table(summaries)
    per_set = summary_table(by_set) if by_set else None
    cases = _case_rows(turns)
    config_rows = [["setting", "value"], *([k, str(v)] for k, v in config.items())]
    defs = [["metric", "definition"], *([k, v] for k, v in DEFINITIONS.items())]
    md = [
        "# clinqa evaluation",
        "",
        _md_table(config_rows),
        "",
        "## Summary",
        "",
        _md_table(table),
        "",
        *(["## By gold set", "", _md_table(per_set), ""] if per_set else []),
        "## Cases (failures first)",
        "",
        _md_table(cases),
        "",
        "## Definitions",
        "",
        _md_table(defs),
        "",
    ]
    paths["md"].write_text("\n".join(md))

    images = _plots(turns, curves)

    def html_table(rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr"
            + (' class="fail"' if row and row[0] == "FAIL" else "")
            + ">"
            + "".join(f"<td>{html.escape(c)}</td>" for c in row)
            + "</tr>"
            for row in rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    by_set_html = "<h2>By gold set</h2>" + html_table(per_set) if per_set else ""
    figures = "".join(
        f'<figure><img alt="{name}" src="data:image/png;base64,{data}"><figcaption>{name.replace("_", "-")}'
        f"</figcaption></figure>"
        for name, data in images.items()
    )
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>clinqa evaluation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}}table{{border-collapse:collapse;
margin:1em 0;font-size:13px}}td,th{{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}}
tr.fail td{{background:#fdecea}}figure{{display:inline-block;margin:0 1em 1em 0}}img{{max-width:100%}}</style>
</head><body><h1>clinqa evaluation</h1>{html_table(config_rows)}<h2>Summary</h2>{html_table(table)}
{by_set_html}<h2>Plots</h2>{figures}<h2>Cases (failures first)</h2>{html_table(cases)}<h2>Definitions</h2>
{html_table(defs)}</body></html>"""
    paths["html"].write_text(page)
    return paths
