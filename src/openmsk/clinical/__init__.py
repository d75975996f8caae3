"""Pure, shared clinical code sets and calculations (no database, no web)."""
