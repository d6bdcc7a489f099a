"""One hand-off in progress: the input package and everything planned for the copy.

The steps (handoff.removals, formulacells, gputable, comments, bookparts) fill it in; handoff.copy
writes the copy from it.
"""

from __future__ import annotations

import zipfile
from collections import Counter

from flopsheet.handoff.package import Package
from flopsheet.handoff.report import Report
from flopsheet.handoff.sheetplan import SheetPlan


class Job:
    def __init__(self, zf: zipfile.ZipFile, progress=None, list_formulas: bool = False, translate=None):
        self.zf = zf
        self.translate = translate  # the Workings sheet's labels in another language (None: English)
        self.pkg = Package.open(zf)
        self.report = Report()
        self.progress = progress
        self.list_formulas = list_formulas
        self.plans: dict[str, SheetPlan] = {}  # part -> plan
        self.styles = None  # handoff.styles.Styles, once a converted magnitude needs a format
        self.parts: dict[str, bytes] = {}  # part -> new bytes (non-sheet parts)
        self.extra: dict[str, bytes] = {}  # new parts
        self.removed: set[str] = set()
        self.expected: Counter = Counter()  # losses planned on purpose, by kind (handoff.carry)
        self.converted_areas: set = set()
        self.magnitude_cells: dict = {}
        self.conf: list = []  # the xlwings settings sheets (removed)
        self.book = None  # handoff.package.Book, when a call is translated
        self.table = None  # gpusheet's plan for the GPU table
        self.models = None  # modelsheet's Table: the workbook's Models sheet, or the one the copy adds
        self.tr = None
        self.workings = None  # handoff.workings.Workings: the quantities scalar twins use
        self.added_names: list = []  # (name, reference): named assumptions the copy defines (handoff.assumptions)
        self.name_texts: dict = {}  # (name, localSheetId) -> translated defined-name text
        self.new_sheets: list = []  # (title, worksheet bytes): the GPUs / Models sheets added
        self.new_parts: dict[str, str] = {}  # title -> its part name
        self.new_rids: dict[str, str] = {}  # title -> its relationship id in the workbook
        self.ct_add: list[str] = []  # content-type entries for added parts

    def read_sheet(self, part: str) -> bytes:
        """A worksheet part's bytes as planned (the same bytes the input holds)."""
        return self.plans[part].data if part in self.plans else self.zf.read(part)

    def plan(self, part: str, title: str, data: bytes | None = None) -> SheetPlan:
        plan = self.plans.get(part)
        if plan is None:
            plan = self.plans[part] = SheetPlan(title, part, data if data is not None else self.zf.read(part))
        return plan
