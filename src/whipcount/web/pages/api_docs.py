"""``/api/docs``: the JSON API's reference as a page, from the app's OpenAPI schema.

FastAPI's default reference pages (Swagger UI, ReDoc) load their scripts from a CDN;
the dashboard serves nothing from elsewhere, so this page renders the schema itself:
each route with its description (Markdown, rendered by markdown-it-py with raw HTML
off), its parameters and the fields of its request body.  The schema stays at
``/api/openapi.json`` for tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

_METHODS = ("get", "post", "put", "patch", "delete")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Field:
    """A parameter or a body field of a route."""

    name: str
    where: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    """One route of the schema, as the page shows it."""

    method: str
    path: str
    anchor: str
    summary: str
    description: Markup
    fields: list[Field]


def _kind(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_kind(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    return str(schema.get("format") or schema.get("type") or "any")


def _body_fields(operation: dict[str, Any], schema: dict[str, Any]) -> list[Field]:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    if body is None:
        return [Field("(body)", "body", kind, True, "") for kind in content]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    required = set(body.get("required", []))
    return [
        Field(name, "body", _kind(spec), name in required, spec.get("description", ""))
        for name, spec in body.get("properties", {}).items()
    ]


def operations(schema: dict[str, Any]) -> dict[str, list[Operation]]:
    """The schema's routes grouped by tag, by path then method."""
    grouped: dict[str, list[Operation]] = {}
    for path in sorted(schema["paths"]):
        for method in _METHODS:
            operation = schema["paths"][path].get(method)
            if operation is None:
                continue
            fields = [
                Field(
                    p["name"],
                    p["in"],
                    _kind(p.get("schema", {})),
                    bool(p.get("required")),
                    p.get("description", ""),
                )
                for p in operation.get("parameters", [])
            ] + _body_fields(operation, schema)
            tag = (operation.get("tags") or ["other"])[0]
            text = operation.get("description") or ""
            grouped.setdefault(tag, []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    summary=operation.get("summary", ""),
                    description=Markup(_MARKDOWN.render(text)),  # markdown-it escapes: raw HTML off
                    fields=fields,
                )
            )
    return grouped


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference page."""
    return render(request, "api_docs.html", groups=operations(request.app.openapi()))
