"""Violations raised by gate passes: search, review, evidence, exports, the gate ledger."""
