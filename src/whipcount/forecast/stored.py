"""Fitted forecasters saved beside the record, so that a forecast takes a second.

A fit is named by its cut-off day and the forecaster's settings and saved in the
folder ``<record>.forecast/`` (with the ideal-point fits of each cut-off) as
``fit-<day>-<settings digest>.json``, tagged with the record version: a new import
makes it stale and the next forecast refits.  Deleting the folder loses nothing; where
it cannot be written, forecasts still work and refit each time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from whipcount.forecast.analogs import TitleIndex
from whipcount.forecast.baselines import Baselines
from whipcount.forecast.cutoff import Cutoff
from whipcount.forecast.data import ForecastData
from whipcount.forecast.model import Forecaster, ForecastResults, Progress
from whipcount.forecast.tally import Correlation

FORMAT = 3


def cache_folder(record: Path) -> Path:
    """The folder of a record's forecast caches."""
    return record.with_name(record.name + ".forecast")


def _settings(model: Forecaster) -> dict[str, Any]:
    fields = dataclasses.asdict(model)
    fields.pop("cache")
    fields.pop("threads")
    fields["drop"] = list(fields["drop"])
    return fields


def fit_path(record: Path, model: Forecaster, as_of: dt.date) -> Path:
    digest = hashlib.sha1(json.dumps(_settings(model), sort_keys=True).encode()).hexdigest()[:10]
    return cache_folder(record) / f"fit-{as_of.isoformat()}-{digest}.json"


def save(results: ForecastResults, path: Path) -> Path:
    document = {
        "format": FORMAT,
        "version": results.data.matrix.version,
        "as_of": results.as_of.isoformat(),
        "settings": _settings(results.model),
        "temperature": results.temperature,
        "absent_call": results.absent_call,
        "correlations": [dataclasses.asdict(c) for c in results.correlations],
        "baselines": {
            "classes": results.baselines.classes.tolist(),
            "epsilon": results.baselines.epsilon,
            "weight": results.baselines.weight,
        },
        "training_rows": results.training_rows,
        "booster": results.booster.model_to_string(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(document))
    temporary.replace(path)
    return path


def load(path: Path, data: ForecastData, model: Forecaster) -> ForecastResults | None:
    """The saved fit at ``path`` if it exists and was made on this record version."""
    import lightgbm

    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if document.get("format") != FORMAT or document.get("version") != data.matrix.version:
        return None
    as_of = dt.date.fromisoformat(document["as_of"])
    base = document["baselines"]
    return ForecastResults(
        model=model,
        data=data,
        index=TitleIndex.build(data.titles),
        as_of=as_of,
        cutoff=Cutoff.at(data, as_of, cache=model.cache),
        booster=lightgbm.Booster(model_str=document["booster"]),
        temperature=float(document["temperature"]),
        absent_call=float(document["absent_call"]),
        correlations=(
            Correlation(**document["correlations"][0]),
            Correlation(**document["correlations"][1]),
        ),
        baselines=Baselines(np.array(base["classes"]), base["epsilon"], base["weight"]),
        training_rows=int(document["training_rows"]),
    )


def fitted(
    record: Path,
    as_of: dt.date,
    *,
    model: Forecaster | None = None,
    data: ForecastData | None = None,
    refit: bool = False,
    progress: Progress | None = None,
) -> ForecastResults:
    """The forecaster fitted on ``record`` as of ``as_of``: saved, or fitted and saved."""
    folder = cache_folder(record)
    model = dataclasses.replace(model or Forecaster(), cache=folder / "ideal")
    data = data or ForecastData.from_record(record)
    path = fit_path(record, model, as_of)
    results = None if refit else load(path, data, model)
    if results is None:
        results = model.fit(data, as_of=as_of, progress=progress)
        with contextlib.suppress(OSError):  # a cache: a read-only folder only costs refits
            save(results, path)
    return results
