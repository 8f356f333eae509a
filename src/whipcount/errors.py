"""The exceptions whipcount raises.

Every error the library raises on purpose derives from :class:`WhipcountError`,
so a caller can catch one class.  The tree::

    WhipcountError
    ├── ConfigError              a setting is invalid, or the data folder is missing
    ├── RecordError              the vote record
    │   ├── RecordMissingError   no record at the configured path (run ``whipcount import``)
    │   ├── RecordSchemaError    the file is not a whipcount record, or has another schema version
    │   └── NotFoundError        an unknown roll call, series or member was asked for
    ├── SourceError              a source file cannot be imported; nothing from it was written
    │   ├── SourceFormatError    malformed, truncated or unrecognised file
    │   ├── UnknownCountryError  a country key that no member table entry resolves
    │   ├── VoteCodeError        a vote code outside the source's coding
    │   └── DuplicateRollCallError  one roll call twice in a file, with different votes
    ├── CampaignError            the campaign database or a campaign command
    │   ├── CampaignInputError   bad input (unknown member, position off the scale, reliability
    │   │                        outside [0, 1], malformed sheet); nothing was changed
    │   ├── CampaignNotFoundError  no campaign of that name
    │   └── StaleEditError       the member changed since the edit's version was read
    └── AuthError                accounts, sign-in and permissions (team mode)
        ├── AuthenticationError  no valid session, API token, or name and password
        ├── RateLimitedError     too many failed sign-ins; ``retry_after`` seconds to wait
        ├── PermissionDeniedError  signed in, but the role does not allow the action
        ├── AccountInputError    bad input to an account command (name, role, post,
        │                        password too weak); nothing was changed
        └── AccountNotFoundError  no user or API token of that name or id

``SourceError`` carries ``path``, ``row`` and ``value`` so that messages name the
file, the row (1-based, counting the header as row 1 where there is one, or the
line of a JSON-lines file) and the offending value.  The CLI turns these into
one-line messages and exit code 1; the web layer maps them to HTTP statuses (the
``AuthError`` family: 401, 429 with a ``Retry-After`` of ``retry_after`` seconds, 403,
422 and 404).
"""

from __future__ import annotations

from pathlib import Path


class WhipcountError(Exception):
    """Base class of every error raised by whipcount on purpose."""


class ConfigError(WhipcountError):
    """A setting is invalid, or a configured folder does not exist."""


class RecordError(WhipcountError):
    """A problem with the vote record store."""


class RecordMissingError(RecordError):
    """There is no record at the configured path yet."""


class RecordSchemaError(RecordError):
    """The file is not a whipcount record, or has an incompatible schema version."""


class NotFoundError(RecordError, LookupError):
    """An unknown roll call, series or member was asked for."""


class SourceError(WhipcountError):
    """A source file cannot be imported. Nothing from that file was written."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        value: object = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.value = value
        self.reason = message
        #: the import run's report, when an import run refused this file
        self.report: object | None = None
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row}")
        prefix = ", ".join(where)
        text = f"{prefix}: {message}" if prefix else message
        if value is not None:
            text += f" (value: {value!r})"
        super().__init__(text)

    def __reduce__(self) -> tuple[object, ...]:
        # keep path, row and value when the error crosses a process boundary
        return (_rebuild, (type(self), self.reason, self.path, self.row, self.value))


def _rebuild(
    kind: type[SourceError], reason: str, path: Path | None, row: int | None, value: object
) -> SourceError:
    return kind(reason, path=path, row=row, value=value)


class SourceFormatError(SourceError):
    """The file is malformed, truncated, or not in any format whipcount reads."""


class UnknownCountryError(SourceError):
    """A country name or code that no entry of the member tables resolves."""


class VoteCodeError(SourceError):
    """A vote code outside the coding the source documents."""


class DuplicateRollCallError(SourceError):
    """The same roll call appears twice in one file with different votes."""


class CampaignError(WhipcountError):
    """A problem with the campaign database or a campaign command."""


class CampaignInputError(CampaignError, ValueError):
    """Bad input to a campaign command (unknown member, position off the scale, reliability
    outside [0, 1], malformed sheet).  Nothing was changed."""


class CampaignNotFoundError(CampaignError, LookupError):
    """No campaign of that name."""


class StaleEditError(CampaignError):
    """An edit was based on a version of a member that has changed since it was read.

    ``iso3`` names the member, ``expected`` the version the edit was based on and
    ``current`` the version in the database."""

    def __init__(self, message: str, *, iso3: str, expected: int, current: int) -> None:
        super().__init__(message)
        self.iso3 = iso3
        self.expected = expected
        self.current = current


class AuthError(WhipcountError):
    """Accounts, sign-in and permissions of team mode."""


class AuthenticationError(AuthError):
    """No valid session or API token, or a wrong name or password.  The message never
    says which of name and password was wrong."""


class RateLimitedError(AuthError):
    """Too many failed sign-ins for the name or from the address; ``retry_after`` is the
    number of seconds until a new attempt is considered."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDeniedError(AuthError):
    """The signed-in user's role does not allow the action (an officer outside their
    post, a viewer writing, anyone but an admin managing users)."""


class AccountInputError(AuthError, ValueError):
    """Bad input to an account command (a malformed name, an unknown role, an officer
    without a post, a password too short or equal to the name).  Nothing was changed."""


class AccountNotFoundError(AuthError, LookupError):
    """No user, or no API token, of that name or id."""
