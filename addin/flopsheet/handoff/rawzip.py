"""Write a zip whose untouched members are the input's compressed bytes, copied as they are.

zipfile has no public "copy a member without recompressing" call. Decompressing and
recompressing every part would be lossless too, but it costs most of the hand-off's time on a
workbook without flopsheet calls and changes the compressed bytes; copying the raw member keeps
the part byte for byte at the cost of a disk read. The writer is zipfile's own (it writes the
local headers and the central directory, ZIP64 included); only the member's data is spliced in.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile

from flopsheet.errors import FlopsheetError

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zipfile's structFileHeader
_DATA_DESCRIPTOR = 0x08


def raw_member(zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes, as stored in the input file."""
    fp = zin.fp
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fp.seek(fields[9] + fields[10], 1)  # name and extra field lengths
    return fp.read(info.compress_size)


def copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Append `info`'s member to `zout` without decompressing it."""
    data = raw_member(zin, info)
    out = copy.copy(info)
    # The local header carries CRC and sizes, so no data descriptor follows (zipfile writes the
    # header from these fields; a descriptor flag would make it write zeros there).
    out.flag_bits &= ~_DATA_DESCRIPTOR
    out.extra = _without_zip64(info.extra)
    zout._writecheck(out)  # noqa: SLF001 - the same checks write() makes (duplicate names, mode)
    out.header_offset = zout.fp.tell()
    zout.fp.write(out.FileHeader(out.file_size > zipfile.ZIP64_LIMIT or out.compress_size > zipfile.ZIP64_LIMIT))
    zout.fp.write(data)
    zout.start_dir = zout.fp.tell()
    zout.filelist.append(out)
    zout.NameToInfo[out.filename] = out
    zout._didModify = True  # noqa: SLF001 - so close() writes the central directory


def _without_zip64(extra: bytes) -> bytes:
    """The extra field without its ZIP64 block (FileHeader adds a fresh one when needed)."""
    out, i = b"", 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i:i + 4])
        if tag != 1:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return out


_XML_DECL = re.compile(rb"^(\xef\xbb\xbf)?<\?xml\b[^>]*?\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1""")
_XML_NAMES = (".xml", ".rels", ".vml")


def utf8_xml(data: bytes, name: str = "part") -> bytes:
    """An XML part as UTF-8, its declaration saying so. XML names its encoding (a byte-order mark,
    or the declaration: XML 1.0 section 4.3.3 and appendix F); the hand-off reads and edits parts
    as UTF-8 bytes, so a UTF-16 or ISO-8859-1 part is transcoded when read. A part it does not
    rewrite is carried as its original bytes all the same (copy_raw)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif data.startswith((b"<\x00?\x00", b"\x00<\x00?")):
        codec = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
    else:
        decl = _XML_DECL.match(data[:512])
        enc = _ENCODING.search(decl.group(0)) if decl else None
        if enc is None:
            return data
        codec = enc.group(2).decode("ascii")
        if codec.lower().replace("_", "-") in ("utf-8", "utf8"):
            return data
    try:
        text = data.decode(codec)
    except LookupError:
        raise FlopsheetError(f"{name} declares the encoding {codec!r}, which Python cannot read", "input") from None
    except UnicodeDecodeError as e:
        raise FlopsheetError(f"{name} is not valid {codec} ({e.reason} at byte {e.start})", "input") from None
    text = text.lstrip("\ufeff")
    m = re.match(r"<\?xml\b[^>]*?\?>", text)
    if m:
        head = re.sub(r"""\bencoding\s*=\s*(["'])[^"']*\1""", 'encoding="UTF-8"', m.group(0))
        if "encoding=" not in head:
            head = head[:-2].rstrip() + ' encoding="UTF-8"?>'
        text = head + text[m.end():]
    return text.encode("utf-8")


class XmlZipFile(zipfile.ZipFile):
    """A ZipFile whose read() gives XML parts as UTF-8 (utf8_xml); raw members are untouched."""

    def read(self, name, pwd=None):
        data = super().read(name, pwd)
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if filename.lower().endswith(_XML_NAMES) or filename == "[Content_Types].xml":
            return utf8_xml(data, filename)
        return data
