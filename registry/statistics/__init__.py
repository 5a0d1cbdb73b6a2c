"""Daily counts of passes and violations (按日统计), kept with the passes they count."""
