"""Policies (管控规则): the action plan's rules as versioned data the bureau edits."""
