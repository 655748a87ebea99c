"""`clinqa bench` end to end on the seed corpus, with sizes below and above it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.ui.server import ROOT

pytestmark = pytest.mark.integration


def test_bench_writes_build_recall_and_latency_figures(tmp_path: Path) -> None:
    env = {**os.environ, "CLINQA_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "ui.cli"]
    built = subprocess.run(
        [*command, "index", "--corpus", str(SEEDS)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert built.returncode == 0, built.stderr
    out = tmp_path / "results"
    result = subprocess.run(
        [*command, "bench", "--corpus", str(SEEDS), "--out", str(out), "--stages", "build,recall,latency",
         "--sizes", "15,27,60", "--queries", "6"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    results = json.loads((out / "bench.json").read_text())

    build = results["build"][0]
    assert build["chunks"] == 27 and build["articles"] == 2
    assert build["build_s"] >= build["embed_in_build_s"] > 0
    assert 0.5 < build["build_to_embed_ratio"] < 20
    assert "0 indexed, 2 unchanged" in build["noop_summary"]

    subset, real, grown = results["recall"]
    assert subset["kind"] == "real subset" and 0 < subset["chunks"] < 27
    assert real["kind"] == "real" and real["chunks"] == 27
    assert grown["kind"] == "real + synthetic" and grown["chunks"] == 60
    for r in results["recall"]:
        assert 0.0 <= r["recall@10"] <= 1.0
    assert real["recall@10"] == 1.0  # 27 vectors: HNSW search is exhaustive at this size

    for r in results["latency"]:
        assert r["questions"] == 5
        for stage in ("embed", "dense", "lexical", "fuse", "compose", "total"):
            assert r["stages_ms"][stage]["median"] <= r["stages_ms"][stage]["p95"]
        assert r["stages_ms"]["total"]["median"] >= r["stages_ms"]["dense"]["median"]
        assert r["peak_rss_mb"] > 100

    report = (out / "bench.md").read_text()
    assert "## Index build" in report and "## Query latency" in report and "real + synthetic" in report


def test_bench_times_pdf_parsing_and_ingest(tmp_path: Path) -> None:
    guide = ROOT.parent / "shared" / "corpora" / "guidelines" / "cdc-outpatient-infection-prevention.pdf"
    if not guide.exists():
        pytest.skip("../shared/corpora/guidelines is not beside the project")
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    (pdfs / guide.name).symlink_to(guide)
    (pdfs / "notes.txt").write_text("Not a PDF: left out of the pdf stage.\n")
    env = {**os.environ, "CLINQA_HOME": str(tmp_path / "home")}
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "bench", "--stages", "pdf", "--pdfs", str(pdfs), "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdf = json.loads((out / "bench.json").read_text())["pdf"]
    (row,) = pdf["files"]
    assert row["file"] == guide.name and row["pages"] == 44 and row["pages_per_s"] > 0
    assert pdf["chunks"] > 50 and pdf["ingest_s"] >= pdf["parse_s"] > 0
    assert "## PDF guidelines" in (out / "bench.md").read_text()
