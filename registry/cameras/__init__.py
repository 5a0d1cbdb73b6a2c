"""Gate cameras of several vendors (门禁抓拍相机): each vendor's own event format turned into the native read
(GateEventSchema's input) — Hikvision ISAPI ANPR, AlarmInfoPlate (HTTP and MQTT), Dahua ITC — and their
HTTP pushes (`api.py`), which go into the gate's pipeline (registry.ingest) like any read."""
