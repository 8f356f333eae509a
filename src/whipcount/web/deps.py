"""The API's dependencies, as ``Annotated`` aliases (after full-stack-fastapi-template's
``api/deps.py``): the settings, the record opened read-only for one request, and the
campaign workspace on the app's shared campaign store.  Tests override them through
``app.dependency_overrides``; :func:`whipcount.web.app.create_app` builds a fresh app per
settings object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from whipcount.campaign.repository import CampaignStore
from whipcount.campaign.workspace import Workspace
from whipcount.record.reader import Record
from whipcount.settings import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_record(settings: SettingsDep) -> Iterator[Record]:
    with Record(settings.record) as record:
        yield record


RecordDep = Annotated[Record, Depends(get_record)]


_OPENING = threading.Lock()


def get_store(request: Request) -> CampaignStore:
    """The app's campaign store, opened (and migrated) on first use, once: the first
    requests may arrive together, in worker threads."""
    state = request.app.state
    if getattr(state, "store", None) is None:
        with _OPENING:
            if getattr(state, "store", None) is None:
                state.store = CampaignStore.open(state.settings)
    store: CampaignStore = state.store
    return store


def get_workspace(request: Request, settings: SettingsDep) -> Iterator[Workspace]:
    """The workspace whose actor (the audit trail's "who") is the signed-in user in team
    mode, else ``WHIPCOUNT_USER`` or the login name."""
    user = getattr(request.state, "user", None)
    actor = None if user is None else user.name
    with Workspace(settings, actor=actor, store=get_store(request)) as workspace:
        yield workspace


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
