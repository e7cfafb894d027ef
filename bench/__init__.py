"""Benchmarks of the read models and the seeder (`make bench`, `python -m bench.run`).

Not timed tests: they print figures and write them to `bench/results/`. See README.md.
"""
