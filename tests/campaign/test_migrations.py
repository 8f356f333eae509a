"""The hand-written migrations: they build the schema of ``tables.py`` exactly, on SQLite
and PostgreSQL, run once, quietly, and refuse a database from a newer whipcount."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.campaign.conftest import CAMPAIGN, campaign_fields
from whipcount.campaign import database, tables
from whipcount.campaign.repository import CampaignStore
from whipcount.errors import CampaignError

ROOT = Path(__file__).resolve().parents[2]


def differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, tables.metadata))


def test_upgrade_builds_exactly_the_models(database_url: str) -> None:
    with CampaignStore(database_url) as store:
        assert differences(store.engine) == []
        names = set(sa.inspect(store.engine).get_table_names())
        assert names == {t.name for t in tables.metadata.sorted_tables} | {"alembic_version"}
        with store.engine.connect() as connection:
            assert database.revision(connection) == database.head()
        assert database.integrity_problems(store.engine) == []


def test_reopening_is_a_quiet_no_op(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    alembic_logger = logging.getLogger("alembic")
    alembic_state = (list(alembic_logger.handlers), alembic_logger.level)
    with CampaignStore(database_url) as store:
        store.create_campaign(**campaign_fields())
    statements: list[str] = []
    engine = database.create_engine(database_url)
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])))
    database.upgrade(engine)
    engine.dispose()
    written = [s for s in statements if s.split()[0].upper() not in ("SELECT", "BEGIN", "PRAGMA")]
    assert written == []
    with CampaignStore(database_url) as store:
        assert store.campaign(CAMPAIGN).version == 1
    assert capsys.readouterr() == ("", "")
    assert (list(root.handlers), root.level) == (handlers, level)
    assert (list(alembic_logger.handlers), alembic_logger.level) == alembic_state


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    with CampaignStore(database_url) as store:
        with database.writing(store.engine) as connection:
            command.downgrade(database.alembic_config(connection), "base")
        assert set(sa.inspect(store.engine).get_table_names()) <= {"alembic_version"}
        database.upgrade(store.engine)
        assert differences(store.engine) == []


def test_a_newer_database_is_refused(database_url: str) -> None:
    with CampaignStore(database_url) as store, database.writing(store.engine) as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(CampaignError, match="at a revision this version of whipcount does not"):
        CampaignStore(database_url)


OPENER = """
import sys, time
from pathlib import Path
from whipcount.campaign.repository import CampaignStore
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
CampaignStore(sys.argv[1]).close()
"""


def test_two_processes_create_a_new_database_at_once(database_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    openers = [
        subprocess.Popen([sys.executable, "-c", OPENER, database_url, str(go)], cwd=ROOT)
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    assert [p.wait(timeout=120) for p in openers] == [0, 0]
    engine = database.create_engine(database_url)
    try:
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_alembic_from_a_url_offline_and_new_revisions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dev.sqlite'}"
    config = database.alembic_config(url=url)
    command.upgrade(config, "head", sql=True)  # offline: the SQL script
    script = config.output_buffer.getvalue()  # type: ignore[attr-defined]
    assert "CREATE TABLE campaigns" in script and "CREATE TABLE audit" in script
    command.upgrade(config, "head")  # online, from the URL
    engine = database.create_engine(url)
    try:
        assert differences(engine) == []
    finally:
        engine.dispose()
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    config.set_main_option(
        "version_locations", f"{database.MIGRATIONS / 'versions'}{os.pathsep}{drafts}"
    )
    command.revision(config, message="nothing new", autogenerate=True, version_path=str(drafts))
    (draft,) = drafts.glob("*.py")
    text = draft.read_text()
    compile(text, str(draft), "exec")
    assert f"down_revision = '{database.head()}'" in text
    assert "def upgrade() -> None:\n    # ### commands auto generated by Alembic" in text
    assert "op." not in text.split("def upgrade", 1)[1]  # the models and the database agree
