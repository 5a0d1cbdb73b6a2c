"""Camera vendors' own event formats, each turned into the native read (GateEventSchema input)."""
