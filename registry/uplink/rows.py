"""A pass's outbox row, for the gate's pipeline (registry.ingest.records): pure."""

PASS = "pass"  # the kind of record a pass is in the outbox


def outbox_rows(decided, _findings, now) -> list[tuple[str, dict]]:
    """A pass the gate's pipeline created or judged again goes into the outbox with the batch's rows: once
    per batch, however many reads of it the batch held (registry.uplink.outbox reads it in order). A road
    checkpoint's passes are the police's, not a firm's gate ledger: they are not reported as such."""
    if decided.gate.is_checkpoint:
        return []
    return [("uplink_records", {"kind": PASS, "created_at": now})]
