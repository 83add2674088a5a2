"""Test helper: read a rendered HTML report back as elements, section texts and tables.

Standard library only (:mod:`html.parser`); shared by the tests of the batch report
(``report.html``) and of the events report (``events.html``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["HtmlDoc", "outside_command"]


class HtmlDoc(HTMLParser):
    """Elements (with their section), the text of each section, the text of the
    ``#reproduce`` command block, and the body rows of each table."""

    _VOID = {"img", "meta", "br", "hr", "input", "link", "source", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, str | None]] = []
        self.section_text: dict[str, list[str]] = {}
        self.code_text: list[str] = []  # text inside #reproduce <code>
        self.text: list[str] = []
        self.body_attrs: dict = {}
        self.tables: list[tuple[str | None, list[list[str]]]] = []  # (section, body rows)
        self._sections: list[tuple[str, int]] = []
        self._depth = 0
        self._in_code = False
        self._raw = 0  # inside <style> or <script>
        self._cell: list[str] | None = None
        self._in_tbody = False
        self.feed(text)
        self.close()

    def _section(self):
        return self._sections[-1][0] if self._sections else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, self._section()))
        if tag == "body":
            self.body_attrs = attrs
        if tag in self._VOID:
            return
        self._depth += 1
        if tag in ("style", "script"):
            self._raw += 1
        if tag == "section":
            self._sections.append((attrs.get("id"), self._depth))
        if tag == "code" and self._section() == "reproduce":
            self._in_code = True
        if tag == "table":
            self.tables.append((self._section(), []))
        if tag == "tbody":
            self._in_tbody = True
        if tag == "tr" and self._in_tbody:
            self.tables[-1][1].append([])
        if tag == "td" and self._in_tbody:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in self._VOID:
            return
        if tag == "code":
            self._in_code = False
        if tag in ("style", "script"):
            self._raw -= 1
        if tag == "tbody":
            self._in_tbody = False
        if tag == "td" and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "section" and self._sections and self._sections[-1][1] == self._depth:
            self._sections.pop()
        self._depth -= 1

    def handle_data(self, data):
        if self._raw:
            return
        self.text.append(data)
        if self._sections:
            self.section_text.setdefault(self._sections[-1][0], []).append(data)
        if self._in_code:
            self.code_text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def ids(self) -> list[str]:
        return [a["id"] for _, a, _ in self.elements if "id" in a]

    def section_ids(self) -> list[str]:
        return [a.get("id") for t, a, _ in self.elements if t == "section"]

    def images(self) -> list[dict]:
        return [a for t, a, _ in self.elements if t == "img"]

    def section(self, sid: str) -> str:
        return " ".join(" ".join(self.section_text.get(sid, [])).split())

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def section_tables(self, sid: str) -> list[list[list[str]]]:
        return [rows for s, rows in self.tables if s == sid]


def outside_command(text: str) -> str:
    """The document less the ``#reproduce`` section's command block."""
    return re.sub(r'(<section id="reproduce">.*?<pre><code>).*?(</code></pre>)', r"\1\2", text,
                  flags=re.S)
