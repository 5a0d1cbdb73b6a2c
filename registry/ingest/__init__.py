"""The gate's pipeline (门禁过车处理流水线): a batch of plate reads becomes passes with verdicts, once.

The data flows one way through six stages, each a module that never calls back into an earlier one:

    reads      parse: every vendor's format is one read (registry.cameras turns theirs into it);
               camera clocks checked, overlong event ids digested
       |
    resolve    idempotency and merging: a resent read finds its stored pass, a read of the same
               vehicle at the same gate and direction within the merge window joins its pass
               (stored or of this batch); candidates fetched per gate, plate and time window
       |
    (pictures) the pictures of reads that are not resends checked, decoded and stored by content
       |
    facts      one round of queries for the whole batch: vehicles, alerts, exemptions, policies,
               the plates' other passes (cloned plates), a re-judged pass's open findings
       |
    decide     pure: the rules engine over those facts, a picture measured only where a decision may
               rest on it; a verdict and the questions for a person out
       |
    records    pure: the pass, its reads, pictures, verdict, violations, and what each feature that
               rides on a pass adds (its case, its outbox row, the daily counts) as plain rows
       |
    write      the rows in one pipeline of statements or by COPY (PostgreSQL), executemany (SQLite)

`pipeline.record_plate_events` runs them; the MQTT gateway, the HTTP ingest endpoints and the vendors'
pushes all call it. A rule is added in registry.rules (and its facts in `facts`, if it needs new ones);
a record that rides on a pass is a pure `rows_for(decided)` function added to `records.RIDERS`.
"""

from registry.ingest.pipeline import Arrival, Ingested, record_plate_event, record_plate_events

__all__ = ["Arrival", "Ingested", "record_plate_event", "record_plate_events"]
