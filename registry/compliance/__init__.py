"""Compliance checks (合规核查): gather the facts from the database and ask the rules engine."""
