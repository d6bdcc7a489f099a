"""The styles part, edited in place: a number format appended for a converted text magnitude.

A cell's style is an index into `<cellXfs>`; giving one cell a number format means appending a
copy of its `<xf>` with a new `numFmtId` (and the format to `<numFmts>`), counts updated. The
part is otherwise kept as it was (its bytes before and after the appended elements).
"""

from __future__ import annotations

import html
import re

_XF = re.compile(r"<(\w+:)?xf\b[^>]*?(?:/>|>.*?</\1?xf>)", re.S)


class Styles:
    def __init__(self, data: bytes):
        self.text = data.decode("utf-8")
        self.changed = False
        self._made: dict = {}
        m = re.search(r"<(\w+:)?styleSheet\b", self.text)
        self.p = (m.group(1) or "") if m else ""
        cx = re.search(
            r"<" + re.escape(self.p) + r"cellXfs\b[^>]*>(.*?)</" + re.escape(self.p) + r"cellXfs>", self.text, re.S
        )
        self.xfs = [x.group(0) for x in _XF.finditer(cx.group(1))] if cx else []
        self.formats = {
            html.unescape(m.group(2)): int(m.group(1))
            for m in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', self.text)
        }

    def with_format(self, s: int, code: str) -> int | None:
        """The index of style `s` with number format `code`, or None when `s` already has a
        number format other than General (the user's format is kept)."""
        if not 0 <= s < len(self.xfs):
            return None
        key = (s, code)
        if key in self._made:
            return self._made[key]
        xf = self.xfs[s]
        m = re.search(r'numFmtId="(\d+)"', xf)
        if m and m.group(1) != "0":
            return None
        fid = self.formats.get(code)
        if fid is None:
            fid = max([163, *self.formats.values()]) + 1
            self.formats[code] = fid
            self._add_numfmt(fid, code)
        if m:
            new = xf.replace(m.group(0), f'numFmtId="{fid}"', 1)
        else:
            new = re.sub(r"^<(\w+:)?xf\b", lambda t: t.group(0) + f' numFmtId="{fid}"', xf)
        new = re.sub(r'\s*applyNumberFormat="[^"]*"', "", new)
        new = re.sub(r"^<(\w+:)?xf\b", lambda t: t.group(0) + ' applyNumberFormat="1"', new)
        self._append_xf(new)
        self._made[key] = len(self.xfs) - 1
        self.changed = True
        return self._made[key]

    def _add_numfmt(self, fid: int, code: str) -> None:
        p = re.escape(self.p)
        code = html.escape(code, quote=True)
        el = f'<{self.p}numFmt numFmtId="{fid}" formatCode="{code}"/>'
        m = re.search(r"<" + p + r"numFmts\b([^>]*?)(/?)>", self.text)
        if m and m.group(2):  # <numFmts count="0"/>
            self.text = (
                self.text[: m.start()] + f'<{self.p}numFmts count="1">{el}</{self.p}numFmts>' + self.text[m.end() :]
            )
        elif m:
            end = self.text.index(f"</{self.p}numFmts>", m.end())
            self.text = self.text[:end] + el + self.text[end:]
            self.text = _bump_count(self.text, "numFmts", self.p)
        else:
            m = re.search(r"<" + p + r"styleSheet\b[^>]*>", self.text)
            self.text = (
                self.text[: m.end()] + f'<{self.p}numFmts count="1">{el}</{self.p}numFmts>' + self.text[m.end() :]
            )

    def _append_xf(self, xf: str) -> None:
        end = self.text.index(f"</{self.p}cellXfs>")
        self.text = self.text[:end] + xf + self.text[end:]
        self.text = _bump_count(self.text, "cellXfs", self.p)
        self.xfs.append(xf)

    def data(self) -> bytes:
        return self.text.encode("utf-8")


def _bump_count(text: str, tag: str, p: str) -> str:
    m = re.search(r"<" + re.escape(p) + tag + r'\b[^>]*?count="(\d+)"', text)
    if not m:
        return text
    return text[: m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1) :]
