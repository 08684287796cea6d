"""`habeas import table`: spreadsheets (CSV, XLSX) in, through a mapping."""

from __future__ import annotations
