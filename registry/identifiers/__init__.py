"""Pure functions over Chinese vehicle and firm identifiers (no Flask, no database)."""
