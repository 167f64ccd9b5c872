"""Ops command line: `python -m admin …` (see `python -m admin --help`)."""
