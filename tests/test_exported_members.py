"""The public API is small, sorted and complete (after httpx's test of the same name)."""

from __future__ import annotations

import whipcount


def test_all_is_sorted_and_exported() -> None:
    assert whipcount.__all__ == sorted(whipcount.__all__)
    for name in whipcount.__all__:
        assert hasattr(whipcount, name), name


def test_every_public_name_is_in_all() -> None:
    public = {name for name in vars(whipcount) if not name.startswith("_")}
    modules = {
        "accounts",
        "campaign",
        "cli",
        "errors",
        "forecast",
        "geography",
        "measures",
        "record",
        "settings",
        "web",
    }
    assert public - modules <= set(whipcount.__all__)
