"""Charts of a forecast (map and tally) and of a backtest's reliability."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from whipcount.errors import ConfigError
from whipcount.forecast.charts import plot_forecast, plot_reliability
from whipcount.forecast.tally import adopted
from whipcount.record.members import directory

PNG = b"\x89PNG\r\n\x1a\n"


def fake_forecast(seed: int = 3, *, members: list[str] | None = None) -> Any:
    """A stand-in for a Forecast: today's members with Dirichlet probabilities and
    simulated tallies."""
    rng = np.random.default_rng(seed)
    codes = members if members is not None else directory().members_on(dt.date.today())
    p = rng.dirichlet([4.0, 1.0, 1.5, 0.5], size=len(codes))
    votes = (rng.random((500, len(codes), 1)) > p.cumsum(axis=1)).sum(axis=2)
    tallies = np.stack([(votes == k).sum(axis=1) for k in range(4)], axis=1)
    return SimpleNamespace(
        target=SimpleNamespace(title="Necessity of ending the embargo against Cuba", session=80),
        as_of="2025-09-01",
        members=list(codes),
        probabilities=p,
        tallies=tallies,
        majority="simple",
        p_adopted=float(np.mean(adopted(tallies, "simple"))),
    )


def backtest() -> dict[str, Any]:
    rng = np.random.default_rng(5)
    predicted = (np.arange(15) + 0.5) / 15
    return {
        "from_session": 70,
        "to_session": 79,
        "reliability": {
            "bins": [
                {
                    "mean_predicted": float(m),
                    "observed": float(m + rng.normal(0, 0.02)),
                    "count": int(c),
                }
                for m, c in zip(predicted, rng.integers(10, 100_000, 15), strict=True)
            ],
            "ece": 0.0123,
        },
    }


def test_forecast_png_and_svg(tmp_path: Path) -> None:
    forecast = fake_forecast()
    png = plot_forecast(forecast, tmp_path / "forecast.png")
    assert png == tmp_path / "forecast.png"
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 50_000
    svg = plot_forecast(forecast, tmp_path / "forecast.svg")
    text = svg.read_text()
    assert text.startswith("<?xml")
    assert "not on the map: Tuvalu" in text  # members the geometry lacks are named
    assert "P(adopted)" in text


def test_forecast_of_few_members_and_a_two_thirds_vote(tmp_path: Path) -> None:
    forecast = fake_forecast(members=["USA", "CUB", "MCO", "TUV", "XXX"])
    forecast.majority = "two-thirds"
    forecast.probabilities[0] = [0.1, 0.8, 0.05, 0.05]
    svg = plot_forecast(forecast, tmp_path / "few.svg").read_text()
    assert "two-thirds majority" in svg
    assert "not on the map: Tuvalu, XXX" in svg
    assert "dots: states too small" in svg  # Monaco
    pdf = plot_forecast(forecast, tmp_path / "few.pdf")
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_forecast_with_a_configured_geometry(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WHIPCOUNT_MAP_GEOMETRY"):
        plot_forecast(fake_forecast(), tmp_path / "map.png", geometry=tmp_path / "none.json")
    assert not (tmp_path / "map.png").exists()


def test_reliability_png_and_svg(tmp_path: Path) -> None:
    png = plot_reliability(backtest(), tmp_path / "reliability.png")
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 10_000
    svg = plot_reliability(backtest(), tmp_path / "reliability.svg").read_text()
    assert svg.startswith("<?xml") and "ECE" in svg and "sessions 70–79" in svg


def test_reliability_of_one_bin_or_none(tmp_path: Path) -> None:
    document = {
        "reliability": {"bins": [{"mean_predicted": 0.5, "observed": 0.4, "count": 9}], "ece": 0.1}
    }
    assert plot_reliability(document, tmp_path / "one.png").stat().st_size > 0
    empty = {"reliability": {"bins": [], "ece": 0.0}}
    svg = plot_reliability(empty, tmp_path / "none.svg").read_text()
    assert "no forecasts in the backtest" in svg


@pytest.mark.parametrize("name", ["chart.txt", "chart", "chart.gif"])
def test_unsupported_suffixes_are_refused_before_any_work(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        plot_forecast(fake_forecast(), tmp_path / name, geometry=tmp_path / "none.json")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        plot_reliability(backtest(), tmp_path / name)
    assert not list(tmp_path.iterdir())
