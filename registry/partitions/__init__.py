"""Monthly partitions of the tables that grow with passes (PostgreSQL only; SQLite keeps plain tables)."""
