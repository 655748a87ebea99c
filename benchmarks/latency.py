"""One index size of the latency benchmark, in a process of its own so that its memory is its own.

    python -m benchmarks.latency --home H [--store S] [--embed-backend B] --questions FILE

Prints JSON: seconds until ready, the first answer's time, median/p95 per stage, peak resident memory.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
from pathlib import Path  # noqa: E402

STAGES = ("embed", "dense", "lexical", "fuse", "compose", "total")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM).

    Not getrusage's ru_maxrss: that survives exec, so a worker started by a large parent would report the
    parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return {"median": round(statistics.median(values), 1), "p95": round(p95, 1)}

    print(
        json.dumps(
            {
                "questions": len(questions) - 1,
                "declined": declined,
                "ready_s": round(ready_s, 1),
                "first_answer_s": round(first_s, 1),
                "stages_ms": {stage: summary(values) for stage, values in timings.items()},
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
