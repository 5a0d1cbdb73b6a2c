"""The gate's pipeline (门禁过车处理流水线): a batch of plate reads becomes passes with verdicts, once.

The data flows one way through six stages, each a module that never calls back into an earlier one:

    reads      parse: every vendor's format is one read (registry.cameras turns theirs into it);
               camera clocks checked, overlong event ids digested
       |
    resolve    idempotency and merging: a resent read finds its stored pass, a read of the same
               vehicle at the same gate and direction within the merge window joins its pass
               (stored or of this batch); candidates fetched by gate, plate and time span
       |
    (pictures) the pictures of reads that are not resends checked, decoded and stored by content
       |
    gather     one round of queries for the whole batch (the facts, registry.ingest.facts): vehicles,
               alerts, exemptions, policies, the plates' other passes (cloned plates), a re-judged
               pass's open findings
       |
    decide     pure: the rules engine over those facts, a picture measured only where a decision may
               rest on it; a verdict and the questions for a person out
       |
    records    pure: the pass, its reads, pictures, verdict, violations, and what each feature that
               rides on a pass adds (its case, its outbox row, the daily counts) as plain rows
       |
    write      the rows in one pipeline of statements or by COPY (PostgreSQL), executemany (SQLite)

`pipeline.record_plate_events` runs them; the MQTT gateway, the HTTP ingest endpoints and the vendors'
pushes all call it. A rule is added in registry.rules (and its facts in `gather`, if it needs new ones);
a record that rides on a pass is a pure `rows(decided, findings, now)` function added to `records.RIDERS`.
The pure stages import neither Flask nor a database (tests/rules/test_purity.py).
"""

_PIPELINE = ("Arrival", "Ingested", "record_plate_event", "record_plate_events")


def __getattr__(name: str):
    # The pipeline (Flask, the database) is imported when asked for, so that importing a pure stage
    # (registry.ingest.decide, registry.ingest.records) does not import it.
    if name in _PIPELINE:
        from registry.ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)


__all__ = list(_PIPELINE)
