"""Hostile Markdown is rendered inert."""
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ideas.discussion.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<div hx-get="/sign-out" hx-trigger="load">x</div>',
    '<a data-hx-post="/x" data-hx-trigger="load">x</a>',
    '<p hx-on:click="alert(1)">x</p>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<style>body{display:none}</style>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


class ActiveContent(HTMLParser):
    """Collects every element or attribute that could run code or make a request."""

    DANGEROUS_TAGS = {"script", "style", "iframe", "img", "svg", "object", "embed", "form", "input", "link", "meta"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.DANGEROUS_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith(("on", "hx-", "data-hx-", "style")):
                self.found.append(name)
            if name in {"href", "src"} and not (value or "").startswith(("https:", "http:", "mailto:")):
                self.found.append(f"{name}={value}")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_is_inert(payload):
    assert active_content(str(render_markdown(payload))) == []


def test_ordinary_markdown_survives():
    html = str(render_markdown("**Falls** dropped by *20%*\n\n- one\n- two\n\n[audit](https://nhs.example/a)"))
    assert "<strong>Falls</strong>" in html and "<em>20%</em>" in html and "<li>one</li>" in html
    assert 'href="https://nhs.example/a"' in html and 'rel="noopener noreferrer nofollow"' in html


@given(st.text(max_size=300))
def test_any_text_renders_without_active_content(text):
    assert active_content(str(render_markdown(text))) == []
