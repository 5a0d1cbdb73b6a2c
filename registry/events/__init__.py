"""Plate events (过车记录) from the gates, their verdicts (判定) and violations (违规)."""
