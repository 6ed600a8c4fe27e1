"""DMN 1.3 notation (being written)."""
