"""The dashboard's pages: server-rendered HTML over the library, one module per area.

Each module named in :data:`PAGES` exports ``router`` (routes left out of the OpenAPI
schema: the JSON API is the documented interface, the pages are its human face).  Pages
hold no logic of their own: they call the same library functions as the CLI and the JSON
API, and their scripts write only through the JSON API.
"""

#: the page modules (``whipcount.web.pages.<name>.router``), mounted in this order
PAGES: tuple[str, ...] = (
    "api_docs",
    "campaigns",
    "campaign_plan",
    "auth_pages",
    "admin",
    "home",
    "series",
    "votes",
    "country",
    "forecast",
)
