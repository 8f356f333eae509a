"""``whipcount serve`` warms the forecaster of the next votes while it starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from whipcount.cli.serve_cmds import warm_forecasts
from whipcount.forecast.data import ForecastData
from whipcount.forecast.record_forecast import fit_day
from whipcount.settings import Settings
from whipcount.web.api.forecast import ForecastCache
from whipcount.web.app import create_app

CUBA = "necessity-ending-economic-commercial-financial-embargo"


def test_without_a_record_warming_waits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(Settings(record=tmp_path / "none.sqlite"))
    assert not warm_forecasts(app)
    assert "forecasts not warmed" in capsys.readouterr().err
    assert isinstance(app.state.forecasts, ForecastCache)


@pytest.mark.slow
def test_warming_fits_what_the_next_vote_forecast_uses(record_path: Path) -> None:
    app = create_app(Settings(record=record_path))
    assert warm_forecasts(app)
    cache: ForecastCache = app.state.forecasts
    assert len(cache.fits) == 1 and len(cache.documents) == 0
    day = fit_day(ForecastData.from_record(record_path), dt.date.max)
    assert cache.warm(record_path) == day
    with TestClient(app) as client:  # the page uses the warm fit: no second one
        assert client.get(f"/api/forecast/series/{CUBA}").status_code == 200
    assert len(cache.fits) == 1 and len(cache.documents) == 1
