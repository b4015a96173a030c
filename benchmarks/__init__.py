"""Benchmarks: notifier against the fastest thing the same database and framework can do.

`python -m benchmarks` (or `make bench`) runs B1-B4 and prints one table each, with the ratio
to its baseline measured in the same run. See docs/benchmarks.md for results.
"""
