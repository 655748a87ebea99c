"""clinqa's benchmark: `clinqa bench` (benchmarks/run.py); results in benchmarks/results/."""
