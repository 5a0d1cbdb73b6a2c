"""Firms (企业) and their gates (门禁)."""
