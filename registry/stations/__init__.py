"""Roadside stations (路侧监测站点): remote-sensing stations (遥感监测) and black-smoke cameras (黑烟抓拍)
that belong to the bureau, each pushing its records with its own secret."""
