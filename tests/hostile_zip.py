"""Crafting hostile workbooks in tests: copy a real one, swapping or adding parts."""

import zipfile


def rezip(src, dst, replace=None, add=None):
    """Copy a workbook, swapping or adding parts (the way an attacker would craft one)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in add.items():
            zout.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return dst
