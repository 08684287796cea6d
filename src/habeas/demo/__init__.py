"""Demo data: invented people with realistic detail, and one real, public example.

`generate(service, people, seed)` writes it all in one transaction;
`demo_records` is the same data as a deterministic stream of records.
"""

from habeas.demo.generator import DemoSummary, demo_records, estimate_records, generate

__all__ = ["DemoSummary", "demo_records", "estimate_records", "generate"]
