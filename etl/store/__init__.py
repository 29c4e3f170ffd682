"""The one write step: lock, working copy, versions, journal, read models (see etl/load.py)."""
