"""The vote record: sources, members, the SQLite store, series and the vote matrix."""
