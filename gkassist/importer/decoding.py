"""Bytes of a saved report → text, or a Chinese reason why the file is not a readable report.

Reports arrive as UTF-8 (with or without BOM), UTF-16 with BOM (Windows 「Unicode」 text), or
GBK/GB2312 from older portals (decoded as gb18030, its superset). Anything else — PDF, Word,
images, random bytes, an empty file — is reported, never guessed at.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass


class Unreadable(Exception):
    """The file holds no report we can read; ``str(err)`` says why, in Chinese."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "gb18030"


# (magic bytes, what the file is) for formats people save reports in by mistake
_MAGIC = (
    (b"%PDF", "PDF 文件"),
    (b"PK\x03\x04", "压缩包或 Excel（.xlsx）等文件"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel（.doc/.xls）文件"),
    (b"{\\rtf", "RTF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
)
# every format read_report takes: a file of another kind is told what it could be saved as
_SAVE_AS = "能读取的是网页（.html、.mht）、纯文本（.txt）、Word（.docx）和带文字的 PDF：请把报告另存为其中一种后再试。"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_GB_NAMES = {"gbk", "gb2312", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def decode(data: bytes) -> Decoded:
    """Decode a report file's bytes; raise ``Unreadable`` for empty, binary or undecodable files."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise Unreadable("文件是空的，没有可读取的内容。")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise Unreadable(f"这是{what}，不是能读取的年报格式。{_SAVE_AS}")

    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _checked(data, "utf-32", "utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16", "utf-16")
    guessed = _utf16_without_bom(data)
    if guessed:
        return _checked(data, guessed, guessed)
    if b"\x00" in data:
        raise Unreadable(f"文件含有二进制数据，不是能读取的年报格式。{_SAVE_AS}")

    declared = _declared_charset(data)
    order = ["utf-8", "gb18030"]
    if declared in _GB_NAMES:
        order.reverse()
    for enc in order:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text, data if enc == "utf-8" else None):
            return Decoded(text, enc)
    raise Unreadable(
        "无法识别文件的文字编码（已尝试 UTF-8、UTF-16 和 GBK/GB18030），或文件不是文本。" + _SAVE_AS
    )


def _checked(data: bytes, codec: str, label: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise Unreadable(f"文件标明为 {label.upper()} 编码，但第 {err.start} 字节处内容损坏，无法读取。") from err
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Unreadable("文件是空的，没有可读取的内容。")
    if not _plausible(text):
        raise Unreadable(f"文件含有二进制数据，不是能读取的年报格式。{_SAVE_AS}")
    return Decoded(text, label)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: NULs in every other byte of the ASCII parts."""
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2 or b"\x00" not in sample:  # no NUL: no UTF-16 (one quick search)
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


# in UTF-8, the control characters no text holds (all but \t \n \v \f \r) are single bytes, and
# the private-use characters U+E000–U+F8FF start with \xee (U+E000–U+EFFF) or \xef + \x80–\xa3
_ODD_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0xEE])
_PRIVATE_EF = re.compile(rb"\xef[\x80-\xa3]")


def _plausible(text: str, utf8: bytes | None = None) -> bool:
    """Text, not bytes that happened to decode: few control characters, few private-use ones (in
    its first 20,000 characters). ``utf8``: the bytes ``text`` was decoded from as UTF-8, if so."""
    sample = text[:20000]
    most = max(2, len(sample) // 200)
    if utf8 is not None and _odd_bytes(utf8[: 4 * len(sample)]) <= most:
        # the sample's UTF-8 is a prefix of these bytes (which 4 bytes a character hold), and a
        # prefix holds no more odd characters than the whole: plausible without encoding the
        # sample again (a portal page's 20,000 characters took as long to encode as to count)
        return True
    return _odd_characters(sample) <= most


def _odd_characters(text: str) -> int:
    """How many control characters (but \t \n \v \f \r) and private-use characters (U+E000–U+F8FF)
    ``text`` holds. Counted in its UTF-8 bytes, where each is one byte or one lead byte: a regular
    expression class tested on every character cost some 0.1 ms a portal page, bytes.translate
    about a third of that."""
    return _odd_bytes(text.encode("utf-8", "surrogatepass"))


def _odd_bytes(data: bytes) -> int:
    """How many of those characters the UTF-8 ``data`` holds (see ``_odd_characters``)."""
    return len(data) - len(data.translate(None, _ODD_BYTES)) + len(_PRIVATE_EF.findall(data))
