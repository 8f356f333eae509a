"""Alembic's environment for the campaign database.

whipcount runs the migrations itself (:func:`whipcount.campaign.database.upgrade`) and
hands Alembic an open connection in ``config.attributes["connection"]``; a developer
may instead give a URL (``alembic_config(url=...)``).  Nothing here configures logging.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from whipcount.campaign.tables import metadata


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    """Run the migrations offline (SQL script), on the given connection, or on the URL."""
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("no connection and no sqlalchemy.url to migrate")
    from whipcount.campaign.database import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as opened:
            _configure(opened)
            opened.commit()
    finally:
        engine.dispose()


run()
