"""The web layer: the JSON API (and, later, the dashboard) over the library.

:func:`whipcount.web.app.create_app` builds the FastAPI application for one
:class:`~whipcount.settings.Settings`; routes live in :mod:`whipcount.web.api`, one module
per command group of the CLI, and return the same documents as the CLI's ``--json``.
"""
