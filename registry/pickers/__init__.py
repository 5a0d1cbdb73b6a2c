"""Pickers (选择器): firms, gates, sites and machines found by name or code as a person types, so that no
page asks for a database id."""
