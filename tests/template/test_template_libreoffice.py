"""LibreOffice opens the template: a headless PDF export of every sheet succeeds."""

import re
import shutil
import subprocess

import openpyxl

from flopsheet.template import build_template


def test_pdf_export_of_every_sheet(soffice, tmp_path):
    from flopsheet.recalc import to_pdf

    path = tmp_path / "flopsheet.xlsm"
    build_template(path)
    sheets = openpyxl.load_workbook(path).sheetnames
    (tmp_path / "pdf").mkdir()
    pdf = to_pdf(path, tmp_path / "pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= len(sheets), (pages, sheets)
    pdftotext = shutil.which("pdftotext")  # poppler-utils; optional here
    if pdftotext:
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for title in (
            "flopsheet: what large AI models cost in compute",
            "GPUs: datasheet figures",
            "Training: compute, time",
            "Inference: time per request",
            "Multimodal: image and video",
            "Seed check: the seed report",
            "Sources: papers",
            "UDF Modules",
        ):
            assert title in text, title
    print(f"\nPDF: {pages} pages for {len(sheets)} sheets")
