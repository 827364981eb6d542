"""The admin view: read-only queries over every feature (nobody imports this package)."""
