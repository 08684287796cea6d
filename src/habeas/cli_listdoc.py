"""`habeas import list-document` and `habeas review`: published lists into a review queue."""

from __future__ import annotations
