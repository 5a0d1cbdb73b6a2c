"""Weighbridge tickets (地磅磅单): a firm posts them through the API or imports a CSV/XLSX file; each is
matched to the pass of its plate at the firm's gates nearest in time within a window, and fills the
ledger's cargo (货物名称) and tonnage (运输量). Idempotent on the firm's ticket number."""
