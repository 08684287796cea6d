"""Secrets and tamper evidence: the audit chain's key and hashes, passphrases."""
