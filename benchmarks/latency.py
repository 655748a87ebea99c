"""One index size of the latency benchmark, in a process of its own so that its memory is its own.

    python -m benchmarks.latency --home H [--store S] [--embed-backend B] --questions FILE

Prints JSON: seconds until ready, the first answer's time, median/p95 per stage, peak resident memory.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

STAGES = ("embed", "dense", "lexical", "fuse", "compose", "total")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--store")
    parser.add_argument("--embed-backend", default="torch")
    parser.add_argument("--questions", required=True)
    args = parser.parse_args()
    questions: list[str] = json.loads(Path(args.questions).read_text())

    from assistant.engine import Assistant
    from assistant.followup import Conversation
    from benchmarks.run import rss_mb
    from evals.metrics import percentile
    from index.settings import Settings

    settings = Settings.from_env({}, home=args.home, store=args.store, embed_backend=args.embed_backend)
    assistant = Assistant.from_settings(settings)
    ready_s = time.perf_counter() - STARTED
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    declined = 0
    first_s = 0.0
    for i, question in enumerate(questions):
        answer = assistant.ask(question, Conversation())
        if i == 0:
            first_s = time.perf_counter() - STARTED
            continue  # the first answer warms caches; it is reported on its own
        declined += answer.abstained
        for stage in STAGES:
            if stage in answer.timings_ms:
                timings[stage].append(answer.timings_ms[stage])

    def summary(values: list[float]) -> dict[str, float]:
        if not values:
            return {}
        return {"median": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1)}

    print(
        json.dumps(
            {
                "questions": len(questions) - 1,
                "declined": declined,
                "ready_s": round(ready_s, 1),
                "first_answer_s": round(first_s, 1),
                "stages_ms": {stage: summary(values) for stage, values in timings.items()},
                # VmHWM, not getrusage's ru_maxrss: that survives exec, so a worker started by a large
                # parent would report the parent's peak.
                "peak_rss_mb": rss_mb(os.getpid(), "VmHWM"),
            }
        )
    )


if __name__ == "__main__":
    main()
