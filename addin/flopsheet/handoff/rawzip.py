"""Write a zip whose untouched members are the input's compressed bytes, copied as they are.

zipfile has no public "copy a member without recompressing" call. Decompressing and
recompressing every part would be lossless too, but it costs most of the hand-off's time on a
workbook without flopsheet calls and changes the compressed bytes; copying the raw member keeps
the part byte for byte at the cost of a disk read. The writer is zipfile's own (it writes the
local headers and the central directory, ZIP64 included); only the member's data is spliced in.
"""

from __future__ import annotations

import copy
import struct
import zipfile

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
