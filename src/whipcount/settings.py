"""The one settings object.

Every setting is read from the environment with the prefix ``WHIPCOUNT_`` (or passed
to :class:`Settings` directly).  Each field's description is its documentation;
``tests/test_settings.py`` checks that every setting appears in the README.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from whipcount.errors import ConfigError

APP_NAME = "whipcount"

#: The project checkout's root when whipcount runs from a source tree (src layout).
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def user_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/whipcount`` on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_record_path() -> Path:
    """Where the record lives unless ``WHIPCOUNT_RECORD`` says otherwise."""
    return user_data_dir() / "record.sqlite"


def data_search_order(cwd: Path | None = None) -> list[Path]:
    """Folders searched for source files when ``WHIPCOUNT_DATA`` is not set, in order.

    1. ``<user data folder>/raw`` — where a user puts downloaded source files;
    2. ``./data/raw`` under the current directory;
    3. ``../shared/data/raw`` relative to the current directory;
    4. ``../shared/data/raw`` relative to the source checkout (the fallback for a
       development checkout that sits beside ``shared/``).
    """
    here = (cwd or Path.cwd()).resolve()
    candidates = [
        user_data_dir() / "raw",
        here / "data" / "raw",
        here.parent / "shared" / "data" / "raw",
        _SOURCE_ROOT.parent / "shared" / "data" / "raw",
    ]
    unique: list[Path] = []
    for path in candidates:
        if path not in unique:
            unique.append(path)
    return unique


def import_folders(data: Path) -> list[Path]:
    """What ``whipcount import`` reads by default: the data folder, and beside a folder
    named ``raw`` its sibling ``reference`` (the State Department's vote lists) if any."""
    folders = [data]
    reference = data.parent / "reference"
    if data.name == "raw" and reference.is_dir():
        folders.append(reference)
    return folders


class Settings(BaseSettings):
    """whipcount's configuration, read from ``WHIPCOUNT_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="WHIPCOUNT_", extra="ignore")

    record: Path = Field(
        default_factory=default_record_path,
        description=(
            "Path of the vote record (one SQLite file). Default: record.sqlite in the "
            "user data folder (~/.local/share/whipcount on Linux)."
        ),
    )
    data: Path | None = Field(
        default=None,
        description=(
            "Folder of source files that `whipcount import` reads when given no paths. "
            "Default: the first existing folder of the search order (user data folder /raw, "
            "./data/raw, ../shared/data/raw from the current directory, then "
            "../shared/data/raw beside the source checkout)."
        ),
    )
    progress: bool = Field(
        default=True,
        description="Show progress bars on the terminal for long work (imports).",
    )
    map_geometry: Path | None = Field(
        default=None,
        description=(
            "Path of a world-atlas TopoJSON file (Natural Earth country outlines) that "
            "forecast maps are drawn from. Default: countries-50m.json, else "
            "countries-110m.json, in node_modules/world-atlas of the source checkout "
            "(installed by scripts/setup with npm)."
        ),
    )

    database_url: str | None = Field(
        default=None,
        repr=False,  # it may hold a password
        description=(
            "SQLAlchemy URL of the campaign database, e.g. "
            "postgresql+psycopg://user@host/db for a team's shared PostgreSQL. Default: "
            "campaigns.sqlite in the user data folder (sqlite:///~/.local/share/whipcount/"
            "campaigns.sqlite on Linux)."
        ),
    )
    user: str | None = Field(
        default=None,
        description=(
            "Name under which campaign changes are recorded in the audit trail (and the "
            "default reporter and officer). Default: the login name."
        ),
    )

    def data_folder(self) -> Path:
        """The folder to import from: ``data`` if set, else the first existing default."""
        if self.data is not None:
            if not self.data.is_dir():
                raise ConfigError(f"WHIPCOUNT_DATA={self.data} is not a folder")
            return self.data
        for folder in data_search_order():
            if folder.is_dir():
                return folder
        searched = ", ".join(str(p) for p in data_search_order())
        raise ConfigError(
            f"no source data folder found; set WHIPCOUNT_DATA or pass paths (searched: {searched})"
        )
