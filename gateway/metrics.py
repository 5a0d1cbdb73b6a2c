"""Prometheus metrics of the gateway (served on GATEWAY_METRICS_PORT, 0 = off)."""

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

RECEIVED = Counter("gateway_messages_received_total", "MQTT messages received", ["kind"])
STORED = Counter("gateway_passes_stored_total", "reads that became a new pass")
DUPLICATES = Counter("gateway_duplicates_total", "resent reads answered from the stored pass")
MERGED = Counter("gateway_reads_merged_total", "reads merged into an existing pass")
DEAD_LETTERED = Counter("gateway_dead_letters_total", "messages stored as dead letters", ["reason"])
HEARTBEATS = Counter("gateway_heartbeats_total", "camera keep-alives, by whether a gate has the camera", ["device"])
DB_RETRIES = Counter("gateway_database_retries_total", "batches retried because the database failed")
LATENCY = Histogram(
    "gateway_processing_seconds",
    "from receipt of a message to its commit",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
BATCH_SIZE = Histogram("gateway_batch_size", "messages committed together", buckets=(1, 2, 5, 10, 50, 100, 500))
BATCH_SECONDS = Histogram(
    "gateway_batch_seconds",
    "time the store loop took to store one batch, retries included",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CONNECTED = Gauge("gateway_broker_connected", "1 while connected to the broker")
QUEUE_DEPTH = Gauge("gateway_queue_depth", "messages received and not yet committed")


def serve(port: int, addr: str = "127.0.0.1") -> None:
    """Serve /metrics; a port already taken is logged, not fatal: events matter more than metrics."""
    if not port:
        return
    try:
        start_http_server(port, addr=addr)
    except OSError as exc:
        logging.getLogger(__name__).error("metrics not served on %s:%s: %s", addr, port, exc)
