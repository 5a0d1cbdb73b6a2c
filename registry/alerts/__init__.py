"""Heavy-pollution alerts (重污染天气预警) and approved exemptions (豁免)."""
