"""A tiny evaluator for the template's formulas: computes each formula cell of a workbook (in
memory or read back) from its own cells, calling flopsheet functions as Excel would through the
add-in. The template's summary takes every function cell's value from it, so a value is
computed once, by the registry, from the inputs the cell's formula references.

It knows exactly what the template uses: numbers, "" text, cell/range/defined-name references
(whole columns and rows too), + - * / ^ & and comparisons, and the native functions IF, OR,
INDEX, MATCH (exact), NA, ROUNDUP, SUM. Anything else raises, so a formula the
template grows that this cannot read fails instead of being skipped.
"""

from __future__ import annotations

import math
import re

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from flopsheet import excel_io
from flopsheet.functions import REGISTRY

NATIVE = frozenset({"IF", "OR", "INDEX", "MATCH", "NA", "ROUNDUP", "SUM"})
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class NA(str):
    """An Excel error value (#N/A, #VALUE!...) flowing through a computation."""


def split_ref(ref: str, default_sheet: str) -> tuple[str, str]:
    """'GPUs!$A:$A' -> ('GPUs', '$A:$A'); "'Seed check'!B5" -> ('Seed check', 'B5')."""
    if "!" in ref:
        sheet, _, addr = ref.rpartition("!")
        return sheet.strip("'").replace("''", "'"), addr
    return default_sheet, ref


class Range:
    def __init__(self, ws, addr: str):
        self.ws = ws
        a = addr.replace("$", "")
        if re.fullmatch(r"[A-Z]{1,3}:[A-Z]{1,3}", a):  # whole columns
            c1, c2 = (column_index_from_string(x) for x in a.split(":"))
            self.bounds = (c1, 1, c2, max(ws.max_row, 1))
        elif re.fullmatch(r"\d+:\d+", a):  # whole rows
            r1, r2 = (int(x) for x in a.split(":"))
            self.bounds = (1, r1, max(ws.max_column, 1), r2)
        else:
            self.bounds = range_boundaries(a)

    @property
    def single(self) -> bool:
        c1, r1, c2, r2 = self.bounds
        return c1 == c2 and r1 == r2

    def cells(self):
        c1, r1, c2, r2 = self.bounds
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                yield r, c


class Evaluator:
    def __init__(self, wb):
        self.wb = wb
        self.memo: dict[tuple[str, str], object] = {}
        self.names = {n: dn.attr_text for n, dn in wb.defined_names.items()}
        self.calls: list[str] = []  # flopsheet functions called, for coverage checks

    # -- cells --------------------------------------------------------------------------------
    def value(self, sheet: str, coord: str):
        key = (sheet, coord)
        if key not in self.memo:
            cell = self.wb[sheet][coord]
            if cell.data_type == "f":
                self.memo[key] = None  # cycle guard
                self.memo[key] = self.formula(sheet, cell.value)
            else:
                self.memo[key] = cell.value
        return self.memo[key]

    def formula(self, sheet: str, text: str):
        tokens = [t for t in Tokenizer(text).items if t.type != Token.WSPACE]
        parser = _Parser(tokens)
        tree = parser.expression()
        if parser.pos != len(tokens):
            raise ValueError(f"unparsed tail in {text}")
        v = self.scalar(tree, sheet)
        return 0.0 if v is None else v  # a formula reading an empty cell shows 0

    # -- expressions --------------------------------------------------------------------------
    def ref(self, text: str, sheet: str) -> Range:
        if text in self.names:
            text = self.names[text]
        s, addr = split_ref(text, sheet)
        return Range(self.wb[s], addr)

    def scalar(self, node, sheet):
        v = self.eval(node, sheet)
        if isinstance(v, Range):
            if not v.single:
                raise ValueError("a multi-cell range used as a single value")
            c, r, _, _ = v.bounds
            v = self.value(v.ws.title, v.ws.cell(r, c).coordinate)
        return v

    def eval(self, node, sheet):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "text":
            return node[1]
        if kind == "ref":
            return self.ref(node[1], sheet)
        if kind == "neg":
            return -_num(self.scalar(node[1], sheet))
        if kind == "op":
            return _binary(node[1], self.scalar(node[2], sheet), self.scalar(node[3], sheet))
        if kind == "call":
            return self.call(node[1], node[2], sheet)
        raise ValueError(node)

    def call(self, name: str, args, sheet: str):
        if name == "IF":
            cond = self.scalar(args[0], sheet)
            if isinstance(cond, NA):
                return cond
            return self.scalar(args[1] if _truthy(cond) else args[2], sheet)
        if name == "OR":
            return any(_truthy(self.scalar(a, sheet)) for a in args)
        if name == "INDEX":
            rng = self.eval(args[0], sheet)
            r = int(_num(self.scalar(args[1], sheet)))
            c = int(_num(self.scalar(args[2], sheet))) if len(args) > 2 else 1
            c1, r1, _, _ = rng.bounds
            # a reference, as in Excel: an empty cell is blank to a comparison (INDEX(...)="" is TRUE) and
            # to a function's argument, 0 to arithmetic and as a formula's result
            return Range(rng.ws, rng.ws.cell(r1 + r - 1, c1 + c - 1).coordinate)
        if name == "MATCH":
            x = self.scalar(args[0], sheet)
            rng = self.eval(args[1], sheet)
            if _num(self.scalar(args[2], sheet)) != 0:
                raise ValueError("only exact MATCH is supported")
            for i, (r, c) in enumerate(rng.cells(), start=1):
                v = self.value(rng.ws.title, rng.ws.cell(r, c).coordinate)
                if _same(v, x):
                    return float(i)
            return NA("#N/A")
        if name == "NA":
            return NA("#N/A")
        if name == "ROUNDUP":
            x, d = _num(self.scalar(args[0], sheet)), int(_num(self.scalar(args[1], sheet)))
            f = 10.0**d
            return math.copysign(math.ceil(abs(x) * f) / f, x)
        if name == "SUM":
            total = 0.0
            for a in args:
                v = self.eval(a, sheet)
                if isinstance(v, Range):
                    for r, c in v.cells():
                        x = self.value(v.ws.title, v.ws.cell(r, c).coordinate)
                        total += x if isinstance(x, (int, float)) and not isinstance(x, bool) else 0.0
                else:
                    total += _num(v)
            return total
        fn = REGISTRY.get(name)
        if fn is None:
            raise ValueError(f"unknown function {name}")
        self.calls.append(name)
        values = [None if a is None else self.scalar(a, sheet) for a in args]
        return excel_io.call(fn, values)  # what the add-in puts in the cell


def _truthy(v) -> bool:
    if isinstance(v, str):
        raise ValueError(f"text {v!r} used as a condition")
    return bool(v)


def _num(v) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, NA):
        raise ArithmeticError(v)
    if isinstance(v, str):
        raise ArithmeticError(f"#VALUE! ({v})")
    return float(v)


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if a is None or b is None:
        return False
    return a == b


def _binary(op: str, a, b):
    if op in ("=", "<>"):
        blank_a, blank_b = a in (None, ""), b in (None, "")
        equal = (blank_a and blank_b) or (not blank_a and not blank_b and _same(a, b))
        return equal if op == "=" else not equal
    if op == "&":
        return f"{'' if a is None else a}{'' if b is None else b}"
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            return NA("#DIV/0!")
        return x / y
    if op == "^":
        return x**y
    if op in ("<", ">", "<=", ">="):
        return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
    raise ValueError(op)


_PREC = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    """Precedence climbing over openpyxl's formula tokens."""

    def __init__(self, tokens):
        self.tokens, self.pos = tokens, 0
        if tokens and tokens[0].type == Token.OP_PRE and tokens[0].value == "=":
            self.pos = 1

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        t = self.peek()
        self.pos += 1
        return t

    def expression(self, min_prec: int = 0):
        left = self.unary()
        while True:
            t = self.peek()
            if t is None or t.type != Token.OP_IN or _PREC.get(t.value, -1) < min_prec:
                return left
            self.take()
            prec = _PREC[t.value]
            right = self.expression(prec + (0 if t.value == "^" else 1))
            left = ("op", t.value, left, right)

    def unary(self):
        t = self.peek()
        if t is not None and t.type == Token.OP_PRE:
            self.take()
            inner = self.unary()
            return ("neg", inner) if t.value == "-" else inner
        return self.primary()

    def primary(self):
        t = self.take()
        if t is None:
            raise ValueError("formula ends early")
        if t.type == Token.OPERAND:
            if t.subtype == Token.NUMBER:
                return ("num", float(t.value))
            if t.subtype == Token.TEXT:
                return ("text", t.value[1:-1].replace('""', '"'))
            if t.subtype == Token.RANGE:
                return ("ref", t.value)
            raise ValueError(f"unsupported operand {t.value}")
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            name = t.value[:-1].upper()
            args = []
            if self.peek().type == Token.FUNC and self.peek().subtype == Token.CLOSE:
                self.take()
                return ("call", name, args)
            while True:
                nxt = self.peek()
                if nxt.type == Token.SEP or (nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE):
                    args.append(None)  # an omitted argument
                else:
                    args.append(self.expression())
                sep = self.take()
                if sep.type == Token.FUNC and sep.subtype == Token.CLOSE:
                    return ("call", name, args)
                if sep.type != Token.SEP:
                    raise ValueError(f"unexpected {sep.value} in {name}")
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            inner = self.expression()
            close = self.take()
            if close.type != Token.PAREN:
                raise ValueError("unbalanced parentheses")
            return inner
        raise ValueError(f"unexpected token {t.value!r}")


def formula_cells(wb):
    """(sheet, cell) of every formula in the workbook."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws, cell
