"""The API reference page (``docs/API.md``), generated from the app's OpenAPI schema.

``python -m whipcount.web.reference > docs/API.md`` rewrites it; ``tests/test_docs.py``
fails when the checked-in page differs from what the routes say.  Each route answers
the question of one CLI command and returns the same document as its ``--json``
(shapes in ``docs/JSON.md``).
"""

from __future__ import annotations

from typing import Any

from whipcount.web.app import create_app

_METHODS = ("get", "post", "put", "patch", "delete")


def routes() -> list[tuple[str, str, dict[str, Any]]]:
    """Every (method, path, operation) of the schema, by path then method."""
    schema = create_app().openapi()
    found = []
    for path in sorted(schema["paths"]):
        for method in _METHODS:
            operation = schema["paths"][path].get(method)
            if operation is not None:
                found.append((method.upper(), path, operation))
    return found


def _parameters(operation: dict[str, Any]) -> str:
    names = []
    for p in operation.get("parameters", []):
        if p.get("in") == "query":
            names.append(p["name"] if p.get("required") else f"[{p['name']}]")
    return " ".join(names)


def render() -> str:
    lines = [
        "# whipcount JSON API reference",
        "",
        "Generated from the app's OpenAPI schema by",
        "`python -m whipcount.web.reference > docs/API.md`; a test fails when this page and the",
        "routes disagree.  `whipcount serve` serves the schema at `/api/openapi.json` and this",
        "reference as a page at `/api/docs`.  Every route returns the document of the CLI",
        "command named in its description (shapes in `docs/JSON.md`); errors are",
        '`{"detail": message, "error": class}` with 404 (unknown id), 409 (stale edit), 422',
        "(bad input) or 503 (no record yet).",
        "",
    ]
    tag = None
    for method, path, operation in routes():
        current = (operation.get("tags") or ["other"])[0]
        if current != tag:
            tag = current
            lines += [f"## {tag}", ""]
        query = _parameters(operation)
        lines.append(f"### `{method} {path}`" + (f" `{query}`" if query else ""))
        lines.append("")
        text = (operation.get("description") or operation.get("summary") or "").strip()
        if text:
            lines += [text, ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
