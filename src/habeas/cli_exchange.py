"""`habeas export …` and `habeas import json|uwazi`: habeas JSON, CSV tables, XLSX, Uwazi CSV."""

from __future__ import annotations
