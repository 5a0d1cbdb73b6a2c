"""The receiver of trucks' remote emission terminals (GB 17691 Annex Q / HJ 1239): a TCP server, its own
long-running process (`python -m gateway.terminals`), beside the gate gateway. docs/obd.md."""
