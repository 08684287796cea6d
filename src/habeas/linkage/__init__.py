"""Linkage: names across scripts and spellings, duplicate detection, merging, linking incoming lists."""
