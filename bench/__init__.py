"""Benchmarks: run by hand (`python -m bench`) or `make bench`; each prints its figures, none is a timed test."""
