"""道路卡口 (road checkpoints): gates of the bureau or the police on the roads into the built-up area,
taking the same camera formats through the same pipeline as firms' gates (registry.ingest), judged by
the restriction zones they enforce (registry.zones)."""
