"""Readers: .txt / .docx / .pdf by content, and a one-line ReadError naming every bad file."""

from __future__ import annotations

import copy
import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from etl import readers
from etl.readers import ReadError, read_text
from tests.support.cli import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "reports"
DOCX = REPORTS / "2023-nanping-water-resources-tables.docx"
PDF = REPORTS / "2022-bailuzhou-ecology-tables.pdf"
TEXT = REPORTS / "2021-wangjiang-water-bureau.txt"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _random(size: int = 4096) -> bytes:
    return random.Random(20240101).randbytes(size)


def _docx(body: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx whose word/document.xml holds `body` inside <w:body>."""
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)

# (file name, bytes maker, words the one-line message must contain)
BAD_FILES: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    ("empty.txt", lambda: b"", ("为空",)),
    ("empty.docx", lambda: b"", ("为空",)),
    ("empty.pdf", lambda: b"", ("为空",)),
    ("blank.txt", lambda: b"  \r\n\n", ("为空",)),
    ("random.txt", _random, ("编码",)),
    ("random.docx", _random, ("不是有效的 Word",)),
    ("random.pdf", _random, ("不是有效的 PDF",)),
    ("pdf-renamed.docx", lambda: PDF.read_bytes(), ("内容却是 PDF", ".pdf")),
    ("docx-renamed.pdf", lambda: DOCX.read_bytes(), ("内容却是 Word", ".docx")),
    ("docx-renamed.txt", lambda: DOCX.read_bytes(), ("内容却是 Word",)),
    ("truncated.docx", lambda: DOCX.read_bytes()[: len(DOCX.read_bytes()) // 2], ("已损坏",)),
    ("truncated.pdf", lambda: PDF.read_bytes()[: len(PDF.read_bytes()) // 2], ("不完整",)),
    ("header-only.pdf", lambda: b"%PDF-1.7\n%%EOF\n", ("已损坏",)),
    ("scanned.pdf", lambda: (FIXTURES / "bad" / "scanned.pdf").read_bytes(), ("扫描件",)),
    ("encrypted.pdf", lambda: (FIXTURES / "bad" / "encrypted.pdf").read_bytes(), ("已加密",)),
    ("old-word.doc", lambda: OLE, ("Word 97-2003", ".docx")),
    ("old-word-renamed.docx", lambda: OLE, ("Word 97-2003",)),
    ("photo.png", lambda: PNG, ("图片", "OCR")),
    ("photo-renamed.pdf", lambda: b"\xff\xd8\xff\xe0" + bytes(64), ("图片",)),
    ("archive.zip", lambda: _zip({"a.txt": b"x"}), ("zip 压缩包",)),
    ("sheet.docx", lambda: _zip({"xl/workbook.xml": b"<workbook/>"}), ("Excel",)),
    ("no-text.docx", lambda: _docx("<w:p/><w:p><w:r/></w:p>"), ("没有文字",)),
    ("broken-xml.docx", lambda: _docx("<w:p><w:r><w:t>未闭合"), ("XML",)),
    (
        "entities.docx",
        lambda: _zip(
            {
                "word/document.xml": (
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="'
                    + W.encode()
                    + b'"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>'
                )
            }
        ),
        ("DTD",),
    ),
    ("gzip.txt", lambda: b"\x1f\x8b\x08\x00" + bytes(32), ("gzip",)),
    ("rtf-report.txt", lambda: b"{\\rtf1\\ansi report}", ("RTF",)),
]


@pytest.mark.parametrize(("name", "make", "words"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_one_line_error_naming_it(
    tmp_path: Path, name: str, make: Callable[[], bytes], words: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(ReadError) as caught:
        read_text(path)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message
    for word in words:
        assert word in message


def test_zip_bomb_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A member that inflates past the bound: refused by its declared size, never decompressed.
    monkeypatch.setattr(readers, "MAX_XML_BYTES", 10_000)
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(_p("零" * 50_000)))
    with pytest.raises(ReadError, match="过大"):
        read_text(path)


def test_member_larger_than_declared_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A member whose central-directory size understates it never yields more than declared:
    # the read is cut at the declared size, the XML is incomplete, and the file is refused.
    data = _docx(_p("零" * 5_000))
    monkeypatch.setattr(readers, "MAX_XML_BYTES", 10_000)
    real_getinfo = zipfile.ZipFile.getinfo

    def lying_getinfo(self: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
        info = real_getinfo(self, name)
        if name == "word/document.xml":
            reported = copy.copy(info)
            reported.file_size = 100
            return reported
        return info

    monkeypatch.setattr(zipfile.ZipFile, "getinfo", lying_getinfo)
    path = tmp_path / "liar.docx"
    path.write_bytes(data)
    with pytest.raises(ReadError):
        read_text(path)


def test_oversize_file_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("年" * 200, encoding="utf-8")
    with pytest.raises(ReadError, match="过大"):
        read_text(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^nowhere\.txt: 无法读取"):
        read_text(tmp_path / "nowhere.txt")


# --- what the good files give --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\n"), ("gbk", "\n"), ("gb18030", "\r\n"), ("utf-16", "\r\n")],
    ids=["utf8", "utf8-bom", "gbk", "gb18030-crlf", "utf16-bom-crlf"],
)
def test_text_encodings_decode_to_the_same_text(
    tmp_path: Path, encoding: str, newline: str
) -> None:
    text = TEXT.read_text(encoding="utf-8")
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    assert read_text(path) == text


def test_docx_keeps_paragraphs_and_tables_in_document_order() -> None:
    text = read_text(DOCX)
    lines = text.splitlines()
    heading = lines.index("二、预算执行情况")
    row = lines.index("基本支出\t742.10\t760.50\t758.36\t99.72%")
    assert heading < row < lines.index("三、项目资金情况")
    assert "人员类别\t编制数\t实有人数" in lines


def test_docx_merged_cell_keeps_columns() -> None:
    # "合计" spans the 序号 and 项目名称 columns: an empty cell keeps the amounts aligned.
    assert "合计\t\t2,410.00\t2,385.20\t" in read_text(DOCX).splitlines()


def test_docx_tabs_breaks_and_content_controls(tmp_path: Path) -> None:
    body = (
        "<w:sdt><w:sdtContent>"
        + _p("封面")
        + "</w:sdtContent></w:sdt>"
        + "<w:p><w:r><w:t>一、</w:t><w:tab/><w:t>概况</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        + "<w:p><w:r><w:delText>删掉的</w:delText></w:r><w:ins><w:r><w:t>新增的</w:t></w:r></w:ins></w:p>"
    )
    path = tmp_path / "bits.docx"
    path.write_bytes(_docx(body))
    assert read_text(path).splitlines() == ["封面", "一、\t概况", "第二行", "新增的"]


NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="7">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>""".encode()
STYLES = f"""<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="H1">
<w:pPr><w:numPr><w:numId w:val="3"/><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style></w:styles>""".encode()


def _numbered(text: str, level: int | None = None, style: str | None = None, num: int = 3) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if level is not None:
        props += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def test_docx_automatic_list_numbers_are_rendered(tmp_path: Path) -> None:
    # Word keeps "一、" "（一）" "1." in numbering.xml, not in the text; headings and numbered
    # project lines are found by them, so the reader writes them as Word shows them.
    body = (
        _numbered("部门基本情况", style="H1")
        + _numbered("预算执行情况", style="H1")
        + _numbered("基本支出情况", level=1)
        + _numbered("项目支出情况", level=1)
        + _numbered("A经费10万元；", level=2)
        + _numbered("B经费20万元。", level=2)
        + _numbered("要点", level=0, num=4)  # a bullet: no number
        + _p("说明")
    )
    path = tmp_path / "numbered.docx"
    path.write_bytes(
        _docx(body, extra={"word/numbering.xml": NUMBERING, "word/styles.xml": STYLES})
    )
    assert read_text(path).splitlines() == [
        "一、部门基本情况",
        "二、预算执行情况",
        "（一）基本支出情况",
        "（二）项目支出情况",
        "1.A经费10万元；",
        "2.B经费20万元。",
        "要点",
        "说明",
    ]


def test_docx_numbering_and_styles_are_read_only_for_numbered_or_styled_paragraphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A template's styles.xml is 350 KB: a document whose paragraphs have neither a list number
    # nor a style never inflates it (nor numbering.xml); one that has them still gets numbers.
    read: list[str] = []
    real_read_member = readers._read_member

    def recording(path: Path | str, archive: zipfile.ZipFile, name: str) -> bytes:
        read.append(name)
        return real_read_member(path, archive, name)

    monkeypatch.setattr(readers, "_read_member", recording)
    extra = {"word/numbering.xml": NUMBERING, "word/styles.xml": STYLES}
    plain = tmp_path / "plain.docx"
    plain.write_bytes(
        _docx(_p("说明") + "<w:tbl><w:tr><w:tc>" + _p("甲") + "</w:tc></w:tr></w:tbl>", extra=extra)
    )
    assert read_text(plain).splitlines() == ["说明", "甲"]
    assert read == ["word/document.xml"]

    read.clear()
    heading = tmp_path / "heading.docx"  # a style that numbers nothing: numbering.xml stays shut
    heading.write_bytes(_docx(_numbered("部门基本情况", style="Heading1"), extra=extra))
    assert read_text(heading).splitlines() == ["部门基本情况"]
    assert read == ["word/document.xml", "word/styles.xml"]

    read.clear()
    styled = tmp_path / "styled.docx"
    styled.write_bytes(_docx(_p("说明") + _numbered("部门基本情况", style="H1"), extra=extra))
    assert read_text(styled).splitlines() == ["说明", "一、部门基本情况"]
    assert read == ["word/document.xml", "word/styles.xml", "word/numbering.xml"]


def test_docx_merged_cell_keeps_its_columns(tmp_path: Path) -> None:
    # "合计" spanning 序号 and 项目名称 is followed by an empty cell, so 金额 stays in column 3.
    def cell(text: str, span: int = 1) -> str:
        props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
        return f"<w:tc>{props}{_p(text)}</w:tc>"

    body = (
        "<w:tbl>"
        + "<w:tr>"
        + cell("序号")
        + cell("项目名称")
        + cell("金额")
        + "</w:tr>"
        + "<w:tr>"
        + cell("合计", span=2)
        + cell("100.00")
        + "</w:tr>"
        + "</w:tbl>"
    )
    path = tmp_path / "merged.docx"
    path.write_bytes(_docx(body))
    assert read_text(path).splitlines() == ["序号\t项目名称\t金额", "合计\t\t100.00"]


def test_docx_text_box_text_is_read_once(tmp_path: Path) -> None:
    # A text box is stored twice: the drawing (mc:Choice) and a VML copy (mc:Fallback).
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = f"<w:txbxContent>{_p('框内文字')}</w:txbxContent>"
    body = (
        f'<w:p><w:r><w:t>框前</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="{mc}">'
        f"<mc:Choice><w:drawing>{box}</w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict>{box}<w:tab/></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t>框后</w:t></w:r></w:p>"
    )
    path = tmp_path / "text-box.docx"
    path.write_bytes(_docx(body))
    assert read_text(path).splitlines() == ["框前框内文字框后"]


def test_pdf_keeps_table_rows_and_joins_wrapped_lines() -> None:
    lines = read_text(PDF).splitlines()
    assert "基本支出\t512.30\t520.80\t519.66" in lines
    assert "项目名称\t实际支出数\t主要用途" in lines
    # The title and every paragraph come back as one line each, page numbers dropped.
    assert lines[0] == "白鹭洲区生态环境分局2022年度部门整体支出绩效自评报告"
    assert not any(line.strip() in {"- 1 -", "- 2 -"} for line in lines)


def test_pdf_paragraph_across_a_page_break_is_one_line() -> None:
    text = read_text(REPORTS / "2021-ningchuan-hrss-paragraphs.pdf")
    assert "职业技能提升行动经费1,805.80万元" in text
    (line,) = [line for line in text.splitlines() if "就业补助资金3,600.00万元" in line]
    assert line.startswith("2021年项目支出") and line.endswith("劳动人事争议调解仲裁。")


def test_type_is_decided_by_content_for_other_suffixes(tmp_path: Path) -> None:
    # A .docx saved as "report.doc" (common) is read; the name does not decide.
    path = tmp_path / "report.doc"
    path.write_bytes(DOCX.read_bytes())
    assert "南屏县水利局" in read_text(path)


def test_unsupported_suffix_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "table.xls"
    path.write_bytes(OLE)
    with pytest.raises(ReadError, match=r"\.xls"):
        read_text(path)


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.pdf", b""),
        ("garbage.docx", _random(512)),
        ("pdf-as.docx", PDF.read_bytes()),
        ("truncated.pdf", PDF.read_bytes()[:2000]),
        ("scan.pdf", (FIXTURES / "bad" / "scanned.pdf").read_bytes()),
        ("old.doc", OLE),
    ],
    ids=["empty", "garbage", "renamed", "truncated", "scanned", "old-doc"],
)
def test_cli_extract_bad_file_exits_nonzero_with_one_line(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = run("extract", str(path), "--json")
    assert out.returncode != 0
    assert out.stdout == ""
    assert out.stderr.strip().count("\n") == 0
    assert name in out.stderr


@pytest.mark.parametrize("report", [DOCX, PDF], ids=["docx", "pdf"])
def test_cli_extract_reads_docx_and_pdf(report: Path) -> None:
    out = run("extract", str(report), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["project"]["adjusted"] in (2410.0, 1020.0)


def test_cli_load_goes_on_past_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in [
        ("a-truncated.docx", DOCX.read_bytes()[:3000]),
        ("b-scan.pdf", (FIXTURES / "bad" / "scanned.pdf").read_bytes()),
        ("c-good.docx", DOCX.read_bytes()),
        ("d-good.pdf", PDF.read_bytes()),
        ("e-garbage.txt", _random(256)),
        ("~$c-good.docx", b"\x00owner lock file"),  # Word's lock file: skipped
    ]:
        (folder / name).write_bytes(content)
    out = run("load", str(folder), "--db", str(tmp_path / "db.duckdb"))
    assert out.returncode == 1
    assert "[5/5]" in out.stdout and "~$" not in out.stdout
    for bad in ("a-truncated.docx", "b-scan.pdf", "e-garbage.txt"):
        assert bad in out.stderr
    assert out.stdout.count("已载入") >= 2
