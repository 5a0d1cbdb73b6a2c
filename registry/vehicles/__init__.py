"""Vehicles (车辆) with their emission stage (排放阶段)."""
