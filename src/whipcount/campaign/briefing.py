"""Briefs as documents people read: Markdown, self-contained HTML, and PDF.

A member's brief (the document of :func:`whipcount.campaign.briefs.member_brief`) is what
an officer takes into a meeting, one to two pages: the ask, why the member is a target,
the current assessment against the forecast, its votes on the series beside the lobbying
delegation's, its alignment with the delegation, the arguments most likely to reach it
(reach > 0) apart from those likely to backfire or fall flat (reach <= 0, see
:mod:`whipcount.campaign.arguments`), and the contacts and field reports so far.  The
alignment shown is the share of identical votes; the persuadability reasons' "votes
with ..." is Voeten's agreement index, and the brief says so.  A post's action request
(the document of :func:`~whipcount.campaign.briefs.post_brief`) instructs one embassy to
deliver a démarche to the members assigned to it, with the arguments to make (only those
with a positive reach) and those best left out, and to report back, followed by each
brief.

The Jinja2 templates live in ``templates/``.  HTML is autoescaped; in Markdown every
value passes through :func:`markdown_text`, which escapes the characters that would
make markup (so a note cannot open an HTML tag, a link or a table cell) and folds line
breaks.  HTML carries its stylesheet inline (print-ready, A4) and loads nothing; PDF is
that HTML rendered by WeasyPrint with every URL fetch refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
import shlex
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, overload

import jinja2
from markupsafe import Markup

from whipcount.campaign.scale import CLASSES
from whipcount.errors import CampaignInputError

__all__ = [
    "CONTACT_COMMAND",
    "REPORT_COMMAND",
    "markdown_text",
    "member_html",
    "member_markdown",
    "page_count",
    "pdf_bytes",
    "post_html",
    "post_markdown",
    "render",
    "write_pdf",
]

Kind = Literal["member", "post"]
Format = Literal["markdown", "html", "pdf"]

#: how an embassy records its démarche and reports the response (in the action request)
CONTACT_COMMAND = (
    "whipcount campaign contact {campaign} {iso3} --level LEVEL --channel {channel} "
    "--date DAY --response 'WHAT THEY SAID'"
)
REPORT_COMMAND = (
    "whipcount campaign report {campaign} {iso3} POSITION --source {source} "
    "--reliability RELIABILITY --date DAY"
)
#: arguments shown per member, best first
MAX_ARGUMENTS = 5
#: contacts and reports shown per member, newest first
MAX_HISTORY = 8
#: points to make (and arguments to avoid) in an action request
MAX_POINTS = 6
#: arguments likely to backfire, and of unknown reach, shown per member
MAX_BACKFIRE = 3
ASK_PHRASES = {
    "abstain": "to abstain",
    "no": "to vote no",
    "yes": "to vote yes",
    "absent": "to stay away from the vote",
}
NONE = "—"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&])")
_MARKDOWN_LEADING = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+=])(?=\s|$)")


def markdown_text(value: object) -> str:
    """``value`` as inert Markdown text: markup characters escaped, whitespace folded.

    :class:`markupsafe.Markup` values (the templates' own markup) pass unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _MARKDOWN_LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def _html_value(value: object) -> object:
    return "" if value is None else value


@functools.cache
def _environment(markdown: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("whipcount.campaign", "templates"),
        autoescape=not markdown,
        finalize=markdown_text if markdown else _html_value,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["raw"] = Markup
    return environment


def _render(template: str, context: Mapping[str, Any]) -> str:
    return _environment(template.endswith(".md.j2")).get_template(template).render(context)


# -- the documents ---------------------------------------------------------------------


def member_markdown(doc: Mapping[str, Any]) -> str:
    """A member's brief as Markdown."""
    return _render("member.md.j2", {"b": member_view(doc), "level": 1})


def member_html(doc: Mapping[str, Any]) -> str:
    """A member's brief as a self-contained HTML page."""
    return _render("member.html.j2", {"b": member_view(doc), "level": 1})


def post_markdown(doc: Mapping[str, Any]) -> str:
    """A post's action request, then each member's brief, as Markdown."""
    return _render("post.md.j2", {"p": post_view(doc), "level": 2})


def post_html(doc: Mapping[str, Any]) -> str:
    """A post's action request, then each member's brief, as a self-contained HTML page."""
    return _render("post.html.j2", {"p": post_view(doc), "level": 2})


def pdf_bytes(html: str) -> bytes:
    """``html`` rendered as PDF by WeasyPrint, fetching nothing from outside."""
    return bytes(_document(html).write_pdf())


def page_count(html: str) -> int:
    """The number of A4 pages ``html`` takes as PDF."""
    return len(_document(html).pages)


def _document(html: str) -> Any:
    with warnings.catch_warnings():
        # WeasyPrint warns on import when HarfBuzz's subsetter is missing; fonts embed anyway
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint  # type: ignore[import-untyped]
        from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # without HarfBuzz's subsetter WeasyPrint logs a warning per font, then embeds the
    # fonts with fontTools: nothing for a reader of the brief to act on
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    no_network = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=no_network).render()


def write_pdf(html: str, path: Path) -> None:
    """Write ``html`` as a PDF file at ``path``."""
    path.write_bytes(pdf_bytes(html))


_TEXT: dict[tuple[str, str], Callable[[Mapping[str, Any]], str]] = {
    ("member", "markdown"): member_markdown,
    ("member", "html"): member_html,
    ("post", "markdown"): post_markdown,
    ("post", "html"): post_html,
}


@overload
def render(
    doc: Mapping[str, Any],
    *,
    kind: Kind,
    format: Literal["markdown", "html"],
    path: Path | None = None,
) -> str: ...
@overload
def render(
    doc: Mapping[str, Any], *, kind: Kind, format: Literal["pdf"], path: Path | None = None
) -> bytes: ...
@overload
def render(
    doc: Mapping[str, Any], *, kind: str, format: str, path: Path | None = None
) -> str | bytes: ...
def render(
    doc: Mapping[str, Any], *, kind: str, format: str, path: Path | None = None
) -> str | bytes:
    """A member's brief (``kind="member"``) or a post's action request (``"post"``) as
    Markdown, HTML or PDF; also written to ``path`` when given.

    Raises
    ------
    CampaignInputError
        An unknown kind or format.
    """
    if kind not in ("member", "post"):
        raise CampaignInputError(f"{kind!r} is not a kind of brief; use member or post")
    if format not in ("markdown", "html", "pdf"):
        raise CampaignInputError(f"{format!r} is not a brief format; use markdown, html or pdf")
    if format == "pdf":
        data = pdf_bytes(_TEXT[kind, "html"](doc))
        if path is not None:
            path.write_bytes(data)
        return data
    text = _TEXT[kind, format](doc)
    if path is not None:
        path.write_text(text, encoding="utf-8")
    return text


# -- what the templates show -------------------------------------------------------------


def campaign_view(header: Mapping[str, Any]) -> dict[str, Any]:
    """The campaign header's fields, formatted."""
    target = header.get("target") or {}
    where = [str(target["series"])] if target.get("series") else []
    if target.get("session") is not None:
        where.append(f"session {target['session']}")
    return {
        "name": header.get("campaign") or NONE,
        "title": target.get("title") or "the vote",
        "where": ", ".join(where),
        "vote_date": _day(header.get("vote_date")),
        "goal": header.get("goal_text") or header.get("goal") or NONE,
        "lobbyist": header.get("lobbyist") or NONE,
        "as_of": _day(header.get("as_of")),
        "ask": header.get("ask"),
    }


def member_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What a member's brief shows, formatted (user text left as it is, for escaping)."""
    campaign = campaign_view(doc.get("campaign") or {})
    who = doc.get("member") or {}
    name = who.get("name") or who.get("iso3") or NONE
    ask = doc.get("ask") or campaign["ask"]
    persuadability = doc.get("persuadability") or {}
    alignment = doc.get("alignment") or {}
    arguments = list(doc.get("arguments") or [])
    return {
        "campaign": campaign,
        "name": name,
        "iso3": who.get("iso3") or "",
        "post": who.get("post") or who.get("iso3") or "",
        "group": who.get("group") or NONE,
        "blocs": ", ".join(who.get("blocs") or []) or NONE,
        "ask": ask,
        "ask_phrase": ASK_PHRASES.get(str(ask), f"to vote {ask}") if ask else None,
        "call": doc.get("call") or NONE,
        "classes": CLASSES,
        "forecast": [_percent((doc.get("forecast") or {}).get(c)) for c in CLASSES],
        "now": [_percent((doc.get("p_now") or {}).get(c)) for c in CLASSES],
        "latest": _report_view(doc["position"]) if doc.get("position") else None,
        "record": [_record_view(r) for r in doc.get("record") or []],
        "overall": _percent(alignment.get("overall")),
        "years": [
            f"{y['year']}: {_percent(y.get('agreement'))}"
            for y in alignment.get("recent_years") or []
        ],
        "on_arguments": _percent(alignment.get("on_arguments")),
        "sentence": persuadability.get("sentence"),
        "why": list(persuadability.get("why") or []),
        "p_move": _percent(persuadability.get("p_move")),
        "gain": _number(persuadability.get("expected_gain"), "{:.2f} votes"),
        **_arguments_view(arguments),
        **_history(doc),
    }


def _reach(argument: Mapping[str, Any]) -> float | None:
    """An argument's reach as a number; None when unknown (missing or NaN)."""
    value = argument.get("reach")
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _split(arguments: list[Mapping[str, Any]]) -> tuple[list[Any], list[Any], list[Any]]:
    """``(argument, reach)`` pairs: those that may reach the member (reach > 0, best
    first), those likely to backfire or fall flat (reach <= 0, worst first), and the
    arguments of unknown reach."""
    known = [(a, r) for a in arguments if (r := _reach(a)) is not None]
    positive = sorted((x for x in known if x[1] > 0), key=lambda x: -x[1])
    backfire = sorted((x for x in known if x[1] <= 0), key=lambda x: x[1])
    return positive, backfire, [a for a in arguments if _reach(a) is None]


def _arguments_view(arguments: list[Mapping[str, Any]]) -> dict[str, Any]:
    positive, backfire, unknown = _split(arguments)

    def shown(pairs: list[Any], most: int) -> list[dict[str, Any]]:
        return [
            {"text": a.get("text") or "", "reach": _reach_text(r), "linked": a.get("linked") or 0}
            for a, r in pairs[:most]
        ]

    return {
        "any_arguments": bool(arguments),
        "arguments": shown(positive, MAX_ARGUMENTS),
        "more_arguments": max(0, len(positive) - MAX_ARGUMENTS),
        "backfire": shown(backfire, MAX_BACKFIRE),
        "more_backfire": max(0, len(backfire) - MAX_BACKFIRE),
        "unknown": [a.get("text") or "" for a in unknown[:MAX_BACKFIRE]],
        "more_unknown": max(0, len(unknown) - MAX_BACKFIRE),
    }


def _history(doc: Mapping[str, Any]) -> dict[str, Any]:
    contacts = sorted(doc.get("contacts") or [], key=lambda c: str(c.get("on")), reverse=True)
    reports = sorted(
        doc.get("reports") or [], key=lambda r: str(r.get("reported_on")), reverse=True
    )
    return {
        "contacts": [
            {
                "on": _day(c.get("on")),
                "level": c.get("level") or NONE,
                "channel": c.get("channel") or NONE,
                "arguments": "; ".join(str(a) for a in c.get("arguments") or []) or NONE,
                "response": " ".join(x for x in (c.get("response"), c.get("note")) if x) or NONE,
                "follow_up": _day(c.get("follow_up")),
                "officer": c.get("officer") or NONE,
            }
            for c in contacts[:MAX_HISTORY]
        ],
        "earlier_contacts": max(0, len(contacts) - MAX_HISTORY),
        "reports": [_report_view(r) for r in reports[:MAX_HISTORY]],
        "earlier_reports": max(0, len(reports) - MAX_HISTORY),
    }


def _report_view(report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "position": report.get("position") or NONE,
        "source": report.get("source") or NONE,
        "reliability": _number(report.get("reliability"), "{:.2f}"),
        "reported_on": _day(report.get("reported_on")),
        "reporter": report.get("reporter") or NONE,
        "note": report.get("note") or "",
    }


def _record_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "session": row.get("session") if row.get("session") is not None else NONE,
        "date": _day(row.get("date")),
        "vote": row.get("vote") or NONE,
        "lobbyist_vote": row.get("lobbyist_vote") or NONE,
        "tally": " – ".join(
            str(row[k]) if row.get(k) is not None else "?" for k in ("yes", "no", "abstain")
        ),
    }


def post_view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What a post's action request shows: the instruction, then each member's brief."""
    campaign = campaign_view(doc.get("campaign") or {})
    briefs = [member_view(m) for m in doc.get("members") or []]
    post = str(doc.get("post") or "")
    country = next((b["name"] for b in briefs if b["iso3"] == post), post)
    commands = [
        command.format(
            campaign=shlex.quote(str(campaign["name"])),
            iso3=shlex.quote(b["iso3"]),
            channel=shlex.quote("demarche in the capital"),
            source=shlex.quote(f"embassy {post}".strip()),
        )
        for b in briefs
        for command in (CONTACT_COMMAND, REPORT_COMMAND)
    ]
    fence = "`" * max([3, *(len(run) + 1 for c in commands for run in re.findall("`+", c))])
    names = [b["name"] for b in briefs]
    return {
        "campaign": campaign,
        "post": post,
        "country": country,
        "names": " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names),
        "members": briefs,
        "points": _points(doc.get("members") or []),
        "avoid": _avoid(doc.get("members") or []),
        "report_by": _day(doc.get("report_by")),
        "generated": _day(doc.get("generated")),
        "commands": commands,
        "fence": Markup(fence),
    }


def _points(members: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The arguments to make: each member's three best with a positive reach, merged,
    best reach first."""
    return _merged(members, positive=True)[:MAX_POINTS]


def _avoid(members: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The arguments likely to backfire or fall flat (reach <= 0) with some member,
    merged, worst first."""
    return _merged(members, positive=False)[:MAX_POINTS]


def _merged(members: list[Mapping[str, Any]], *, positive: bool) -> list[dict[str, Any]]:
    points: dict[object, dict[str, Any]] = {}
    for member in members:
        name = (member.get("member") or {}).get("name") or NONE
        good, bad, _ = _split(list(member.get("arguments") or []))
        for argument, reach in good[:3] if positive else bad:
            key = argument.get("id", argument.get("text"))
            point = points.setdefault(
                key, {"text": argument.get("text") or "", "reach": reach, "members": []}
            )
            point["members"].append(name)
            point["reach"] = max(point["reach"], reach) if positive else min(point["reach"], reach)
    ordered = sorted(points.values(), key=lambda p: -p["reach"] if positive else p["reach"])
    return [
        {"text": p["text"], "reach": _reach_text(p["reach"]), "members": ", ".join(p["members"])}
        for p in ordered
    ]


def _reach_text(value: float) -> str:
    """A reach as a percentage that keeps its sign: never "0%" for a positive reach."""
    if 0 < value < 0.005:
        return "under 1%"
    return _percent(0.0 if -0.005 < value < 0 else value)


def _percent(value: object) -> str:
    return _number(value, "{:.0%}")


def _number(value: object, pattern: str) -> str:
    if value is None or isinstance(value, bool):
        return NONE
    try:
        return pattern.format(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return NONE


def _day(value: object) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]
