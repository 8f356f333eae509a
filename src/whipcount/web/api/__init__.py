"""The JSON API's routers, one module per CLI command group (``docs/API.md``)."""
