"""The gate gateway (门禁接入网关): a long-running MQTT consumer beside the registry."""
