"""The bureau dashboard: violations over time, top firms and rules, alerts, gate liveness, dead letters."""
