"""whipcount: forecast and whip United Nations General Assembly votes.

The public API (kept complete by ``tests/test_exported_members.py``)::

    from whipcount import Record, Selection, Settings, align_pair, import_sources
    report = import_sources(Settings().record, [Settings().data_folder()])
    with Record(Settings().record) as record:
        record.series_show(record.series_find("cuba embargo")[0]["id"])
        align_pair(record, "USA", "CHN", selection=Selection(report_year=2023))

    from whipcount import CampaignSpec, Workspace
    with Workspace(Settings(), actor="lead") as campaigns:
        campaigns.create(CampaignSpec(name="cuba", series="necessity-ending-economic-"
                                      "commercial-financial-embargo", lobbyist="USA",
                                      goal="fewer-yes", vote_date=datetime.date(2024, 10, 30),
                                      capacity=10, as_of=datetime.date(2024, 10, 1)))
        campaigns.report("cuba", "BRA", "lean abstain", source="MFA", reliability=0.7)
        campaigns.targets("cuba", top=10)

    from whipcount import Forecaster, ForecastData, Target
    data = ForecastData.from_record(Settings().record)
    results = Forecaster().fit(data, as_of=datetime.date(2024, 10, 1))
    results.predict(Target.next_instance(data, "necessity-ending-economic-"
                                         "commercial-financial-embargo", 79)).document()
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from whipcount.errors import (
    AccountInputError,
    AccountNotFoundError,
    AuthenticationError,
    AuthError,
    CampaignError,
    CampaignInputError,
    CampaignNotFoundError,
    ConfigError,
    DuplicateRollCallError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RecordError,
    RecordMissingError,
    RecordSchemaError,
    SourceError,
    SourceFormatError,
    StaleEditError,
    UnknownCountryError,
    VoteCodeError,
    WhipcountError,
)
from whipcount.measures.alignment import align_all, align_group, align_pair, align_trend
from whipcount.measures.selection import Selection
from whipcount.measures.state_dept_check import check_state_dept
from whipcount.record.codes import DatePrecision, SessionKind, Vote
from whipcount.record.importer import ImportReport, import_sources
from whipcount.record.matrix import VoteMatrix, load_matrix
from whipcount.record.members import MemberDirectory
from whipcount.record.reader import Record
from whipcount.settings import Settings

if _TYPE_CHECKING:
    from whipcount.campaign.goals import Goal
    from whipcount.campaign.persuadability import Persuadability, PersuadabilityModel
    from whipcount.campaign.repository import CampaignStore
    from whipcount.campaign.spec import CampaignSpec
    from whipcount.campaign.workspace import Workspace
    from whipcount.forecast.backtest import Backtest
    from whipcount.forecast.data import ForecastData
    from whipcount.forecast.forecast import Forecast
    from whipcount.forecast.model import Forecaster, ForecastResults
    from whipcount.forecast.record_forecast import ForecastRequest, forecast_vote
    from whipcount.forecast.target import Target
    from whipcount.measures.ideal_data import IdealData
    from whipcount.measures.ideal_record import IdealPointSpec, fit_record, load_fit
    from whipcount.measures.idealpoints import DynamicIdealPoints, IdealPointResults

__version__ = "0.1.0"

# the ideal-point model loads numba and scipy, the forecaster lightgbm (half a second
# each): only when first asked for
_LAZY = {
    "CampaignSpec": "whipcount.campaign.spec",
    "CampaignStore": "whipcount.campaign.repository",
    "Goal": "whipcount.campaign.goals",
    "Persuadability": "whipcount.campaign.persuadability",
    "PersuadabilityModel": "whipcount.campaign.persuadability",
    "Workspace": "whipcount.campaign.workspace",
    "Backtest": "whipcount.forecast.backtest",
    "Forecast": "whipcount.forecast.forecast",
    "ForecastData": "whipcount.forecast.data",
    "ForecastRequest": "whipcount.forecast.record_forecast",
    "ForecastResults": "whipcount.forecast.model",
    "Forecaster": "whipcount.forecast.model",
    "Target": "whipcount.forecast.target",
    "forecast_vote": "whipcount.forecast.record_forecast",
    "DynamicIdealPoints": "whipcount.measures.idealpoints",
    "IdealData": "whipcount.measures.ideal_data",
    "IdealPointResults": "whipcount.measures.idealpoints",
    "IdealPointSpec": "whipcount.measures.ideal_record",
    "fit_record": "whipcount.measures.ideal_record",
    "load_fit": "whipcount.measures.ideal_record",
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        return getattr(_importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'whipcount' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AccountInputError",
    "AccountNotFoundError",
    "AuthError",
    "AuthenticationError",
    "Backtest",
    "CampaignError",
    "CampaignInputError",
    "CampaignNotFoundError",
    "CampaignSpec",
    "CampaignStore",
    "ConfigError",
    "DatePrecision",
    "DuplicateRollCallError",
    "DynamicIdealPoints",
    "Forecast",
    "ForecastData",
    "ForecastRequest",
    "ForecastResults",
    "Forecaster",
    "Goal",
    "IdealData",
    "IdealPointResults",
    "IdealPointSpec",
    "ImportReport",
    "MemberDirectory",
    "NotFoundError",
    "PermissionDeniedError",
    "Persuadability",
    "PersuadabilityModel",
    "RateLimitedError",
    "Record",
    "RecordError",
    "RecordMissingError",
    "RecordSchemaError",
    "Selection",
    "SessionKind",
    "Settings",
    "SourceError",
    "SourceFormatError",
    "StaleEditError",
    "Target",
    "UnknownCountryError",
    "Vote",
    "VoteCodeError",
    "VoteMatrix",
    "WhipcountError",
    "Workspace",
    "__version__",
    "align_all",
    "align_group",
    "align_pair",
    "align_trend",
    "check_state_dept",
    "fit_record",
    "forecast_vote",
    "import_sources",
    "load_fit",
    "load_matrix",
]
