"""`habeas list publish|show|diff|check`: frozen editions of the political-prisoner list."""

from __future__ import annotations
