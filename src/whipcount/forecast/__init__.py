"""Forecasts of every member's vote, the tally and adoption; backtests and baselines."""
