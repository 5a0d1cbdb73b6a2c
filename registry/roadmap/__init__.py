"""The roadside map (路侧监管地图): zones, checkpoints, stations and gates drawn from their own coordinates,
without an online tile service (a bureau's network often reaches none)."""
