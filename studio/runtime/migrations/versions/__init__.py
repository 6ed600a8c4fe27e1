"""Migration scripts, one revision per file, named by sequence number."""
