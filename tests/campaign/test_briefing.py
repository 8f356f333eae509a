"""Briefs rendered as Markdown, HTML and PDF: content, escaping, self-containment."""

from __future__ import annotations

import copy
import re
import threading
import zlib
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.campaign.briefing import (
    markdown_text,
    member_html,
    member_markdown,
    page_count,
    post_html,
    post_markdown,
    render,
    write_pdf,
)
from whipcount.errors import CampaignInputError

HOSTILE = "<script>alert(1)</script> | cell\nnext line"
HEADER = {
    "campaign": "cuba-2025",
    "target": {"series": "S123", "session": 80, "title": "Necessity of ending the embargo"},
    "lobbyist": "USA",
    "goal": "fewer-yes",
    "goal_text": "fewer than 187 yes votes",
    "ask": "abstain",
    "vote_date": "2025-10-29",
    "as_of": "2025-09-01",
}


def brief(iso3: str = "BRA", name: str = "Brazil", note: str = HOSTILE) -> dict[str, Any]:
    return {
        "campaign": HEADER,
        "member": {"iso3": iso3, "name": name, "post": "BRA", "group": "GRULAC", "blocs": ["G77"]},
        "p_now": {"yes": 0.90, "no": 0.0, "abstain": 0.09, "absent": 0.01},
        "forecast": {"yes": 0.97, "no": 0.0, "abstain": 0.02, "absent": 0.01},
        "call": "yes",
        "ask": "abstain",
        "position": {
            "position": "lean abstain",
            "source": "embassy",
            "reliability": 0.7,
            "reported_on": "2025-09-10",
            "reporter": "j.smith",
        },
        "record": [
            {
                "session": 79,
                "date": "2024-10-30",
                "vote": "yes",
                "lobbyist_vote": "no",
                "yes": 187,
                "no": 2,
                "abstain": 1,
            },
            {
                "session": 78,
                "date": "2023-11-02",
                "vote": "abstain",
                "lobbyist_vote": "no",
                "yes": 187,
                "no": 2,
                "abstain": 1,
            },
        ],
        "alignment": {
            "overall": 0.41,
            "recent_years": [{"year": 2024, "agreement": 0.38}, {"year": 2023, "agreement": 0.45}],
            "on_arguments": 0.62,
        },
        "persuadability": {
            "p_move": 0.23,
            "expected_gain": 0.31,
            "why": ["abstained in 2023"],
            "sentence": f"{name} abstained on this series in 2023.",
        },
        "arguments": [
            {"id": k, "text": f"Argument {k}: {text}", "reach": reach, "linked": 14}
            for k, (text, reach) in enumerate(
                [
                    ("Cuba supports Russia's war against Ukraine", 0.7),
                    ("human rights", 0.6),
                    ("the embargo is bilateral", 0.5),
                    ("[a link](http://evil)", 0.4),
                    ("fifth", 0.3),
                    ("sixth", 0.2),
                    ("the embargo is legal", -0.18),
                    ("flat", 0.0),
                    ("untested", None),
                ]
            )
        ],
        "contacts": [
            {
                "on": "2025-09-03",
                "level": "minister",
                "channel": "call",
                "arguments": ["Cuba supports Russia"],
                "response": f"will consider {note}",
                "follow_up": "2025-09-20",
                "officer": "a.b",
                "note": "",
            },
        ],
        "reports": [
            {
                "reported_on": "2025-09-10",
                "position": "lean abstain",
                "source": "embassy",
                "reliability": 0.7,
                "reporter": "j.smith",
                "note": note,
            },
        ],
    }


def post() -> dict[str, Any]:
    return {
        "campaign": HEADER,
        "post": "BRA",
        "members": [brief(), brief("ARG", "Argentina")],
        "report_by": "2025-10-20",
        "generated": "2025-09-12",
    }


def bare() -> dict[str, Any]:
    doc = brief()
    doc.update(position=None, record=[], arguments=[], contacts=[], reports=[])
    doc["alignment"] = {"overall": None, "recent_years": [], "on_arguments": None}
    doc["persuadability"] = {"p_move": 0.05, "expected_gain": None, "why": [], "sentence": None}
    return doc


class Tags(HTMLParser):
    """The tags of a page, checking that they nest."""

    VOID = frozenset({"meta", "br"})

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.stack: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        self.attributes.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack[-5:], tag)
        self.stack.pop()


def tags(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    return parser


TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "section", "h1", "h2", "h3"}
TEMPLATE_TAGS |= {"p", "strong", "div", "table", "tr", "th", "td", "ol", "ul", "li", "span", "pre"}


def table_blocks(markdown: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous:
            blocks.append([])
        if is_row:
            blocks[-1].append(line)
        previous = is_row
    return blocks


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_member_markdown_has_every_part() -> None:
    text = member_markdown(brief())
    assert text.startswith("# Brief: Brazil (BRA)\n")
    assert "**The ask: urge Brazil to abstain.**" in text
    assert "Necessity of ending the embargo (S123, session 80), vote on 2025-10-29" in text
    assert "| Forecast from the record | 97% | 0% | 2% | 1% |" in text
    assert "| Now, with field reports | 90% | 0% | 9% | 1% |" in text
    assert "Latest report: **lean abstain** (embassy, reliability 0.70, 2025-09-10" in text
    assert "| 78 | 2023-11-02 | abstain | no | 187 – 2 – 1 |" in text
    assert (
        "Identical votes among the roll calls both voted yes, no or abstain on, this calendar "
        "year and the two before: **41%**; by year: 2024: 38%, 2023: 45%" in text
    )
    assert "behind the arguments: 62%" in text
    assert "uses the agreement index instead (1 − mean distance, on yes 1, abstain ½" in text
    assert "1. Argument 0: Cuba supports Russia's war against Ukraine (reach 70%; 14" in text
    assert "5. Argument 4: fifth" in text
    assert "sixth" not in text
    assert "1 more not shown." in text
    reach = text.split("## Arguments most likely to reach Brazil")[1].split("## Contacts")[0]
    likely, backfire = reach.split(
        "Likely to backfire or fall flat with Brazil (reach 0% or below)"
    )
    assert "-18%" not in likely
    assert "flat" not in likely
    assert backfire.index("- Argument 6: the embargo is legal (reach -18%; 14 linked") < (
        backfire.index("- Argument 7: flat (reach 0%; 14")
    )
    assert (
        "Reach unknown (no votes shared with USA on their roll calls): Argument 8: untested."
        in (backfire)
    )
    assert "Brazil abstained on this series in 2023." in text
    assert "- abstained in 2023" in text
    assert "expected gain: 0.31 votes" in text
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert sections == [
        "Current assessment",
        "Record on the series",
        "Alignment with USA",
        "Arguments most likely to reach Brazil",
        "Contacts",
        "Field reports",
        "Why Brazil is a target",
    ]


def test_markdown_is_inert_and_tables_hold() -> None:
    text = member_markdown(brief())
    assert re.search(r"(?<!\\)<", text) is None
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"\[a link\](http://evil)" in text
    for block in table_blocks(text):
        assert len({unescaped_pipes(line) for line in block}) == 1, block
    report = next(line for line in text.splitlines() if line.startswith("| 2025-09-10"))
    assert report.endswith(r"\| cell next line |")


def test_html_escapes_and_is_self_contained() -> None:
    page = member_html(brief())
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | cell" in page
    found = tags(page)
    assert found.seen <= TEMPLATE_TAGS
    assert not [name for name, _ in found.attributes if name in {"src", "href", "style"}]
    assert "size: A4" in page
    assert "<title>Brief: Brazil (BRA) · cuba-2025</title>" in page
    assert "urge Brazil to abstain" in page


def test_a_bare_brief_says_what_is_missing() -> None:
    text = member_markdown(bare())
    assert "Latest report: none yet." in text
    assert "No earlier votes on this series." in text
    assert "No arguments recorded for this campaign yet." in text
    assert "No contacts yet." in text
    assert "No field reports yet." in text
    assert "**—**" in text  # no alignment
    assert "expected gain: —" in text
    page = member_html(bare())
    tags(page)
    assert "none yet." in page


def test_post_request_instructs_the_embassy() -> None:
    text = post_markdown(post())
    assert text.startswith("# Action request: post BRA\n")
    assert "To: the embassy of USA in Brazil" in text
    assert (
        "Please deliver a démarche at the highest appropriate level to the governments of "
        "Brazil and Argentina before the vote on Necessity of ending the embargo" in text
    )
    assert "| Argentina (ARG) | to abstain | yes | lean abstain (2025-09-10) | 23% |" in text
    points = re.findall(r"^\d+\. (.+)$", text.split("## Report back")[0], flags=re.MULTILINE)
    assert len(points) == 3
    assert points[0].startswith("Argument 0: Cuba supports Russia")
    assert "(for Brazil, Argentina; reach up to 70%)" in points[0]
    assert "-18%" not in text.split("Likely to backfire or fall flat (reach 0% or below)")[0]
    assert (
        "- Argument 6: the embargo is legal (with Brazil, Argentina; reach as low as -18%)" in text
    )
    assert "by **2025-10-20**" in text
    fenced = re.search(r"^```\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    assert fenced is not None
    commands = fenced[1].splitlines()
    assert len(commands) == 4
    assert commands[0] == (
        "whipcount campaign contact cuba-2025 BRA --level LEVEL "
        "--channel 'demarche in the capital' --date DAY --response 'WHAT THEY SAID'"
    )
    assert commands[3] == (
        "whipcount campaign report cuba-2025 ARG POSITION --source 'embassy BRA' "
        "--reliability RELIABILITY --date DAY"
    )
    assert re.findall(r"^## Brief: (.+)$", text, flags=re.MULTILINE) == [
        "Brazil (BRA)",
        "Argentina (ARG)",
    ]
    assert "### Current assessment" in text
    page = post_html(post())
    assert page.count('<section class="brief">') == 2
    assert tags(page).seen <= TEMPLATE_TAGS


def test_arguments_that_push_the_wrong_way_are_never_points_to_make() -> None:
    doc = post()
    doc["members"][1]["arguments"] = [
        {"id": 6, "text": "Argument 6: the embargo is legal", "reach": -0.18, "linked": 3},
        {"id": 9, "text": "Argument 9: barely", "reach": 0.003, "linked": 3},
        {"id": 10, "text": "Argument 10: never voted on", "reach": float("nan"), "linked": 3},
    ]
    for member in doc["members"]:
        member["arguments"] = [a for a in member["arguments"] if a["id"] != 0]
    text = post_markdown(doc)
    points = re.findall(r"^\d+\. (.+)$", text.split("## Report back")[0], flags=re.MULTILINE)
    assert [p.split(" (for ")[0] for p in points] == [
        "Argument 1: human rights",
        "Argument 2: the embargo is bilateral",
        r"Argument 3: \[a link\](http://evil)",
        "Argument 9: barely",
    ]
    assert points[-1].endswith("(for Argentina; reach up to under 1%)")
    assert (
        "- Argument 6: the embargo is legal (with Brazil, Argentina; reach as low as -18%)" in text
    )
    argentina = text.split("## Brief: Argentina (ARG)")[1]
    assert "1. Argument 9: barely (reach under 1%; 3 linked roll calls)" in argentina
    assert "Reach unknown (no votes shared with USA on their roll calls): Argument 10" in argentina
    doc["members"][1]["arguments"] = doc["members"][1]["arguments"][:1]
    alone = member_markdown(doc["members"][1])
    assert "None of the campaign's arguments has a positive reach with Argentina." in alone
    assert "- Argument 6: the embargo is legal (reach -18%; 3 linked roll calls)" in alone
    page = member_html(doc["members"][1])
    assert "None of the campaign's arguments has a positive reach with Argentina." in page
    assert "<li>Argument 6: the embargo is legal" in page.split("Likely to backfire")[1]
    tags(page)


def test_post_commands_are_quoted_and_fenced() -> None:
    doc = post()
    doc["campaign"] = {**HEADER, "campaign": "a ```b; rm -rf /"}
    text = post_markdown(doc)
    assert "````\n" in text  # a fence longer than any run of backticks inside
    assert "report 'a ```b; rm -rf /' BRA" in text


def test_render_writes_markdown_and_html(tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    text = render(brief(), kind="member", format="markdown", path=path)
    assert path.read_text(encoding="utf-8") == text == member_markdown(brief())
    assert render(post(), kind="post", format="html") == post_html(post())
    with pytest.raises(CampaignInputError, match="not a brief format"):
        render(brief(), kind="member", format="docx")
    with pytest.raises(CampaignInputError, match="not a kind of brief"):
        render(brief(), kind="embassy", format="html")


def pdf_strings(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated (bookmarks hold the headings' text)."""
    parts = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.DOTALL):
        try:
            parts.append(zlib.decompress(stream[1]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_member_pdf_is_one_or_two_pages(tmp_path: Path) -> None:
    doc = brief(name="Côte d’Ivoire", iso3="CIV")
    path = tmp_path / "brief.pdf"
    data = render(doc, kind="member", format="pdf", path=path)
    assert data.startswith(b"%PDF-")
    assert path.read_bytes() == data
    assert len(data) > 5000
    assert "Côte d’Ivoire".encode("utf-16-be").hex().encode() in pdf_strings(data)
    assert 1 <= page_count(member_html(doc)) <= 2


def test_post_pdf_and_no_fetching(tmp_path: Path) -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        local = tmp_path / "secret.css"
        local.write_text("body { color: red }")
        page = (
            post_html(post())
            .replace(
                "</head>",
                f'<link rel="stylesheet" href="{url}/a.css"><link rel="stylesheet" '
                f'href="{local.as_uri()}"></head>',
            )
            .replace("<body>", f'<body><img src="{url}/b.png">')
        )
        path = tmp_path / "post.pdf"
        write_pdf(page, path)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"Argentina" in pdf_strings(data)
    assert page_count(page) >= 3


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)


@given(_ANY_TEXT)
def test_markdown_text_escapes_and_keeps_the_text(text: str) -> None:
    out = markdown_text(text)
    assert "\n" not in out
    assert "\r" not in out
    assert re.search(r"(?<!\\)[|<>\[\]`*_]", re.sub(r"\\\\", "", out)) is None
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(text.split())


@settings(max_examples=30, deadline=None)
@given(note=_ANY_TEXT, argument=_ANY_TEXT, name=_ANY_TEXT)
def test_user_text_never_makes_markup(note: str, argument: str, name: str) -> None:
    doc = brief(name=name or "X", note=note)
    doc["arguments"][0]["text"] = argument
    found = tags(member_html(doc))
    assert found.seen <= TEMPLATE_TAGS
    text = member_markdown(copy.deepcopy(doc))
    for block in table_blocks(text):
        assert len({unescaped_pipes(line) for line in block}) == 1
