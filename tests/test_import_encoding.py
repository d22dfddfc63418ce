"""Files as they arrive: UTF-8 with or without BOM, UTF-16, GBK; and files that are no report
(empty, binary, PDF, Word) reported in Chinese, never a crash."""

from pathlib import Path

import pytest

from gkassist.importer import read_report
from gkassist.importer.decoding import Unreadable, decode

SAMPLE = Path(__file__).parent / "fixtures" / "hongjiang-kjgxj-2024.txt"
TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference():
    return read_report(SAMPLE)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with BOM, as Windows Notepad saves 「Unicode」
        ("utf-16-le", "utf-16-le"),  # without BOM
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_every_common_encoding_reads_the_same_report(tmp_path, reference, encoding, label):
    text = TEXT.replace("\n", "\r\n") if encoding.startswith("utf-16") else TEXT
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    report = read_report(path)
    assert report.source["encoding"] == label
    assert report.answers == reference.answers
    assert report.structure_facts == reference.structure_facts


def test_gbk_is_not_mistaken_for_utf8():
    data = TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data).text == TEXT


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "空的"),
        (b"  \r\n\t\n", "空的"),
        (b"\xef\xbb\xbf", "空的"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "压缩包"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "doc"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
        (bytes(range(256)) * 20, "二进制"),
        (b"\xff\xfe" + b"\x00\xd8" * 10, "UTF-16"),  # a BOM, then broken surrogates
    ],
)
def test_files_that_are_no_report_are_reported(tmp_path, data, words):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    report = read_report(path)
    assert report.failed
    assert report.answers == {} and report.structure_facts == []
    assert len(report.unreadable) == 1 and words in report.unreadable[0]


def test_random_high_bytes_are_not_taken_for_gbk():
    import random

    rng = random.Random(4)
    data = bytes(rng.randrange(128, 256) for _ in range(5000)) + bytes(rng.randrange(0, 32) for _ in range(200))
    with pytest.raises(Unreadable):
        decode(data)


def test_missing_file_and_folder(tmp_path):
    missing = read_report(tmp_path / "nope.txt")
    assert missing.failed and "文件或文件夹不存在" in missing.unreadable[0]
    folder = read_report(tmp_path)
    assert folder.failed and folder.unreadable[0].startswith("无法打开文件")


def test_text_that_is_no_report(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("明天上午开会。\n记得带材料。\n", encoding="utf-8")
    report = read_report(path)
    assert report.failed
    assert "不是政府信息公开工作年度报告" in report.unreadable[0]


PAGE = Path(__file__).parent / "fixtures" / "qinglin-jtj-2023.html"


def _mht(part_headers: str, body: str) -> bytes:
    boundary = "----MultipartBoundary--Qm9vEm"
    return (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.example.gov.cn/zwgk/nb/2024.html\r\n"
        "Subject: =?utf-8?Q?report?=\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\n{part_headers}\r\n\r\n{body}\r\n"
        f"--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        f"--{boundary}--\r\n"
    ).encode("ascii")


def test_web_archive_quoted_printable_gbk(tmp_path):
    import quopri

    html = PAGE.read_text(encoding="utf-8").replace("charset=utf-8", "charset=gb2312")
    body = quopri.encodestring(html.encode("gb18030")).decode("ascii")
    path = tmp_path / "page.mht"
    path.write_bytes(_mht("Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable", body))
    report = read_report(path)
    assert report.source["format"] == "mhtml" and report.source["encoding"] == "gb18030"
    assert report.answers == read_report(PAGE).answers


def test_web_archive_base64_with_charset_only_in_the_part_header(tmp_path):
    import base64

    html = PAGE.read_text(encoding="utf-8").replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />', "")
    body = base64.encodebytes(html.encode("gbk")).decode("ascii")
    path = tmp_path / "page.mhtml"
    path.write_bytes(_mht('Content-Type: text/html; charset="gbk"\r\nContent-Transfer-Encoding: base64', body))
    report = read_report(path)
    assert report.answers == read_report(PAGE).answers


def test_web_archive_without_a_page(tmp_path):
    path = tmp_path / "empty.mht"
    path.write_bytes(_mht("Content-Type: text/css", "body{}"))
    report = read_report(path)
    assert report.failed and "网页存档" in report.unreadable[0]


@pytest.mark.parametrize("odd", ["\x01", "\ue000", "\uf8ff"])
def test_odd_characters_count_only_in_the_first_20000(odd):
    # UTF-8 without a BOM is judged on its bytes when they hold few odd characters; the count is
    # still that of the first 20,000 characters: 100 of them there is the most a text may hold
    # (20,000 // 200), and any number after them does not matter
    head = list("年报文字abc" * 3000)[:20000]
    for k in range(100):
        head[k * 150] = odd
    text = "".join(head) + odd * 500 + "结尾"
    assert decode(text.encode("utf-8")).text == text
    head[7] = odd  # one more in the first 20,000
    with pytest.raises(Unreadable):
        decode(("".join(head) + "结尾").encode("utf-8"))
