"""Benchmarks: each prints its figures beside the yardstick they are measured against."""
