"""Measures of how states vote: coincidence, agreement indices, ideal points.

Every measure works on the VoteMatrix; the methods, with their equations and
references, are in ``docs/METHODS.md`` and in each module's docstring.
"""
