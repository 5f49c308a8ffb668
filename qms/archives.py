"""Bounds on ZIP-based uploads (.docx, .xlsx) checked before anything unpacks them.

A zip states the unpacked size of each member; Python's ``zipfile`` never
returns more bytes than stated (it stops there and fails the CRC check), so
the stated sizes bound what a parser can be made to read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    #: unpacked bytes of one XML member (the text a parser builds a tree of)
    max_xml_bytes: int = 10 * MEGABYTE
    #: unpacked bytes of all members together (images included)
    max_total_bytes: int = 100 * MEGABYTE
    #: members unpacking to more than ``ratio_floor`` bytes may not grow more than this many times
    max_ratio: int = 200
    ratio_floor: int = 2 * MEGABYTE
    max_members: int = 2000


class ArchiveTooLarge(ValueError):
    """The archive unpacks to more than the limits allow; ``member`` names the culprit when there is one."""

    def __init__(self, reason: str, *, member: str = "", unpacked: int = 0):
        self.reason = reason
        self.member = member
        self.unpacked = unpacked
        super().__init__(f"{reason}: {member} ({unpacked} bytes)" if member else reason)


def check_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> list[zipfile.ZipInfo]:
    """The archive's members, after checking their stated sizes against ``limits``.

    Raises ``zipfile.BadZipFile`` for data that is not a zip and
    :class:`ArchiveTooLarge` when it would unpack to too much.
    """
    with zipfile.ZipFile(BytesIO(data)) as archive:
        infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveTooLarge("members", unpacked=len(infos))
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > limits.max_xml_bytes:
            raise ArchiveTooLarge("member", member=info.filename, unpacked=info.file_size)
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveTooLarge("ratio", member=info.filename, unpacked=info.file_size)
    if total > limits.max_total_bytes:
        raise ArchiveTooLarge("total", unpacked=total)
    return infos
