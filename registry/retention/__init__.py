"""Retention: pass pictures after a while, ledger rows after longer, never a confirmed violation's evidence."""
