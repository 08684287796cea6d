"""Analysis: read-only questions over the dated facts — series, durations, windows around events, estimation.

Figures are always recomputed from the dated, cited facts; nothing here writes.
"""
