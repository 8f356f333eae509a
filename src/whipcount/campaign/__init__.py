"""Whip-count campaigns: the board, contacts and field reports, forecasts updated from
them, targeting, scenarios and briefings (see ``docs/ARCHITECTURE.md``)."""
