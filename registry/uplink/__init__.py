"""Reporting upward (数据上报): passes, their verdicts and ledger rows forwarded to higher platforms.

Every stored or changed pass leaves a row in the outbox (uplink_records) in the transaction that
stores it; a relay (`flask uplink relay`) sends the outbox to each target in order, in batches, and
moves the target's cursor only when the target has taken the batch. docs/uplink.md has the format."""
