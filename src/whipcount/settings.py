"""The one settings object.

Every setting is read from the environment with the prefix ``WHIPCOUNT_`` (or passed
to :class:`Settings` directly).  Each field's description is its documentation;
``tests/test_settings.py`` checks that every setting appears in the README.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
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

    team: bool = Field(
        default=False,
        description=(
            "Team mode: accounts and roles (admin, lead, officer, viewer) are required for "
            "every page and API route, and `whipcount serve` may listen on any address. "
            "Needs WHIPCOUNT_SECRET_KEY; `whipcount serve --team` also needs a PostgreSQL "
            "WHIPCOUNT_DATABASE_URL. Default: single-user mode (no login, loopback only)."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        repr=False,  # a secret
        description=(
            "The key that signs team mode's session cookies: at least 32 characters, "
            "random, secret (`whipcount team secret` prints one). Team mode refuses to "
            "start without one, or with a short or well-known one. No default."
        ),
    )
    session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 30,
        description="Hours a team-mode sign-in lasts before the user must sign in again.",
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


#: secrets that must never sign a team's sessions (compared case-insensitively, also
#: repeated or with digits and punctuation around them)
KNOWN_DEFAULT_SECRETS = (
    "changethis",
    "changeme",
    "secret",
    "secretkey",
    "password",
    "whipcount",
    "default",
    "test",
    "admin",
    "key",
)
#: the shortest secret key team mode accepts
MIN_SECRET_LENGTH = 32
_DISTINCT_CHARACTERS = 10
_HOW = (
    "generate one with `whipcount team secret` "
    '(or python -c "import secrets; print(secrets.token_urlsafe(48))")'
)


def check_team_settings(settings: Settings) -> None:
    """Refuse a team deployment whose sessions could be forged.

    Raises
    ------
    ConfigError
        When ``secret_key`` is missing, shorter than :data:`MIN_SECRET_LENGTH`, made
        of a well-known default (:data:`KNOWN_DEFAULT_SECRETS`, also repeated or padded
        with digits) or of fewer than ten distinct characters.
    """
    secret = "" if settings.secret_key is None else settings.secret_key.get_secret_value()
    if not secret:
        raise ConfigError(f"team mode needs WHIPCOUNT_SECRET_KEY to sign sessions; {_HOW}")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"WHIPCOUNT_SECRET_KEY is {len(secret)} characters; team mode needs at least "
            f"{MIN_SECRET_LENGTH}; {_HOW}"
        )
    if _is_default(secret) or len(set(secret)) < _DISTINCT_CHARACTERS:
        raise ConfigError(f"WHIPCOUNT_SECRET_KEY is a well-known or guessable value; {_HOW}")


def _is_default(secret: str) -> bool:
    letters = "".join(c for c in secret.casefold() if c.isalpha())
    if not letters:
        return True
    for word in KNOWN_DEFAULT_SECRETS:
        count = len(letters) // len(word)
        if count and word * count == letters:
            return True
    return False
