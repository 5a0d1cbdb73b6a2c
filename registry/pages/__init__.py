"""Server-rendered pages (Chinese first, English with ?lang=en)."""
