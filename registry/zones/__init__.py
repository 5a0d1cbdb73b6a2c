"""限行区域 (restriction zones) for the diversion of transit trucks and truck bans: a polygon (and its
roads), time windows by season, hours and alert level, criteria by vehicle class, emission stage, fuel
and plate origin, enforced at road checkpoints (卡口); exemptions and electronic passes (电子通行证)."""
