"""Tests of the contention engine."""
