"""Report files -> text. The only module that knows file formats or imports document libraries.

The type is decided by the file's content, not its name: ``%PDF-`` is a PDF, a zip holding
``word/document.xml`` is a Word .docx, anything else must decode as text. A file whose name says
one supported type while its content is another is refused with the fix, so a renamed file never
reaches the wrong parser. Every failure is a ReadError whose one-line message names the file and
says what to do.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
Kind = Literal["txt", "docx", "pdf"]

# A report is a few hundred KB; these bounds refuse zip bombs and runaway files before reading.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_XML_BYTES = 64 * 1024 * 1024

_SAVE_AS = "请在 Word/WPS 中另存为 .docx 或 .pdf，或复制文字保存为 .txt 后再导入"


class ReadError(Exception):
    """A report file that cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = " ".join(problem.split())  # always one line
        super().__init__(f"{self.path.name}: {self.problem}")


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes; raises ReadError naming the file when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReadError(path, f"文件过大（{size // 1024 // 1024} MB）：报告文件应小于 100 MB")
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"无法读取文件（{exc.strerror or exc}）") from exc


def read_text(path: Path | str, data: bytes | None = None) -> str:
    """The report's text (from `data` when the bytes are already read); raises ReadError.

    Lines end in "\\n"; .docx tables and PDF tables come back one row per line, cells separated
    by a tab.
    """
    path = Path(path)
    if data is None:
        data = read_bytes(path)
    try:
        kind = detect_kind(path, data)
        if kind == "pdf":
            return read_pdf(path, data)
        if kind == "docx":
            return read_docx(path, data)
        return decode_text(path, data)
    except ReadError as exc:
        suffix = path.suffix.lower()
        if suffix in SUPPORTED_SUFFIXES or not suffix or exc.problem == "文件为空":
            raise
        # Content decides the type, but a failure names the unexpected suffix too.
        raise ReadError(
            path, f"不支持的文件类型 {path.suffix}（支持 .txt .docx .pdf）：{exc.problem}"
        ) from exc


# --- type detection ---------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_ARCHIVES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
)
_SUFFIX_KIND: dict[str, Kind] = {".txt": "txt", ".docx": "docx", ".pdf": "pdf"}
_KIND_LABEL: dict[Kind, str] = {"txt": "文本", "docx": "Word (.docx)", "pdf": "PDF"}


def detect_kind(path: Path | str, data: bytes) -> Kind:
    """The file's type from its first bytes; raises ReadError for anything not a report."""
    path = Path(path)
    if not data.strip():
        raise ReadError(path, "文件为空")
    kind = _sniff(path, data)
    expected = _SUFFIX_KIND.get(path.suffix.lower())
    if expected is not None and kind != expected:
        if kind == "txt":
            # Garbage or a damaged file that merely is not a zip/PDF: say so, not "rename it".
            raise ReadError(
                path,
                f"不是有效的 {_KIND_LABEL[expected]} 文件（文件头不对，可能已损坏或只是改了扩展名）："
                f"请重新导出原文件",
            )
        raise ReadError(
            path,
            f"扩展名是 {path.suffix}，内容却是 {_KIND_LABEL[kind]}：请把扩展名改为 "
            f".{kind} 后再导入",
        )
    return kind


def _sniff(path: Path, data: bytes) -> Kind:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"
    if data.startswith(_OLE):
        raise ReadError(
            path, f"这是旧版 Word 97-2003 (.doc) 文件或加密的 Office 文件：{_SAVE_AS}（不要加密码）"
        )
    if data.startswith(b"{\\rtf"):
        raise ReadError(path, f"这是 RTF 文件：{_SAVE_AS}")
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise ReadError(path, "这是 WebP 图片，没有文字：请提供带文字层的 PDF，或先用 OCR 识别")
    for magic, label in _IMAGES:
        if data.startswith(magic):
            raise ReadError(
                path, f"这是 {label} 图片，没有文字：请提供带文字层的 PDF、.docx，或先用 OCR 识别"
            )
    for magic, label in _ARCHIVES:
        if data.startswith(magic):
            raise ReadError(path, f"这是 {label} 压缩包：请先解压，再导入其中的 .docx/.pdf/.txt")
    return "txt"


# --- plain text -------------------------------------------------------------------------------

# C0 controls other than tab, line feed, form feed, carriage return: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decoded(data: bytes) -> str | None:
    """Text by a fixed chain, BOM -> strict UTF-8 -> strict GB18030, line ends as \\n; never a
    replaced character. None when no encoding of the chain fits, or the text holds control
    characters (a binary file)."""
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


def decode_text(path: Path | str, data: bytes) -> str:
    """The text of a .txt report (decoded()), or a ReadError saying why it is none."""
    if not data.strip():
        raise ReadError(path, "文件为空")
    text = decoded(data)
    if text is not None:
        return text
    raise ReadError(
        path,
        "无法识别的文本编码（既不是 UTF-8 也不是 GB18030/GBK），或不是文本文件："
        "请另存为 UTF-8 编码的 .txt",
    )


# --- Word .docx -------------------------------------------------------------------------------

_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" documents
)
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OFFICE_DOCUMENT = re.compile(rb'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"')
_OFFICE_DOCUMENT_REVERSED = re.compile(rb'Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"')


def read_docx(path: Path | str, data: bytes) -> str:
    """A .docx file's body text: paragraphs and tables in document order, one line each.

    A table row is one line with its cells separated by a tab. The XML is read with the zip
    member's declared and actual size bounded (a zip bomb is refused) and with any DTD or entity
    declaration refused (entity expansion attacks), since a report never needs either.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(
            path, f"Word 文档已损坏或不完整（zip 结构无法读取：{exc}）：请重新导出原文件"
        ) from exc
    with archive:
        names = set(archive.namelist())
        root = _parse_member(path, archive, _main_part(path, archive, names))
        namespace = root.tag[1 : root.tag.index("}")] if root.tag.startswith("{") else ""
        if namespace not in _W_NAMESPACES:
            raise ReadError(path, "不是 Word 文档正文（word/document.xml 格式不对）")

        # numbering.xml and styles.xml (a template's is 350 KB) are read only when a paragraph
        # has a list number or a style: a document without either never inflates them.
        def numbering() -> ElementTree.Element | None:
            if "word/numbering.xml" not in names:
                return None
            return _parse_member(path, archive, "word/numbering.xml")

        def styles() -> bytes:  # a style numbers its paragraphs only through numbering.xml
            if "word/styles.xml" not in names or "word/numbering.xml" not in names:
                return b""
            return _read_member(path, archive, "word/styles.xml")

        lines = list(_Body(namespace, numbering, styles).lines(root))
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(path, "Word 文档中没有文字（可能只有图片）：请提供带文字的文档")
    return text + "\n"


def _main_part(path: Path | str, archive: zipfile.ZipFile, names: set[str]) -> str:
    if "word/document.xml" in names:
        return "word/document.xml"
    if "_rels/.rels" in names:
        rels = _read_member(path, archive, "_rels/.rels")
        match = _OFFICE_DOCUMENT.search(rels) or _OFFICE_DOCUMENT_REVERSED.search(rels)
        if match and match[1].decode("utf-8", "replace") in names:
            target = match[1].decode("utf-8")
            if target.startswith("word/"):
                return target
    if "xl/workbook.xml" in names:
        what = "Excel (.xlsx) 表格"
    elif "ppt/presentation.xml" in names:
        what = "PowerPoint (.pptx) 演示文稿"
    elif "mimetype" in names:
        what = "OpenDocument (WPS/LibreOffice .odt 等) 文件"
    else:
        what = "zip 压缩包"
    raise ReadError(path, f"这是 {what}，不是 Word 文档：{_SAVE_AS}")


def _parse_member(path: Path | str, archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A member's XML, read bounded and refused if it declares a DTD or entities."""
    xml = _read_member(path, archive, name)
    if any(marker in xml for marker in _FORBIDDEN_XML):
        raise ReadError(path, "Word 文档包含 DTD/实体声明，出于安全原因拒绝读取：请重新导出原文件")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise ReadError(path, f"Word 文档内容已损坏（{name} 的 XML 无法解析：{exc}）") from exc


def _read_member(path: Path | str, archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise ReadError(path, f"Word 文档中的 {name} 解压后过大（{info.file_size} 字节），拒绝读取")
    try:
        with archive.open(info) as member:
            # Read one byte past the bound: a member lying about its size is caught here.
            content = member.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ReadError(path, f"Word 文档已损坏或不完整（{name} 无法解压：{exc}）") from exc
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise ReadError(path, f"Word 文档已加密：请导出不加密的副本（{exc}）") from exc
    if len(content) > MAX_XML_BYTES:
        raise ReadError(path, f"Word 文档中的 {name} 解压后过大，拒绝读取")
    return content


class _Body:
    """Walks a document body: paragraphs and table rows in order, list numbers rendered.

    Word stores an automatic list number ("一、" "（1）" "1.") as a numbering reference, not as
    text; the reader renders it from word/numbering.xml (directly on the paragraph or through
    its style), since the extractor finds headings and numbered project lines by their numbers.
    """

    def __init__(
        self,
        ns: str,
        numbering: Callable[[], ElementTree.Element | None],
        styles: Callable[[], bytes],
    ) -> None:
        self.ns = ns
        w = f"{{{ns}}}"
        self.tags = {
            t: w + t
            for t in (
                "p",
                "tbl",
                "sdt",
                "sdtContent",
                "tr",
                "tc",
                "t",
                "tab",
                "br",
                "cr",
                "noBreakHyphen",
            )
        }
        self.val = w + "val"
        self.ppr, self.numpr, self.pstyle = w + "pPr", w + "numPr", w + "pStyle"
        self.numid, self.ilvl = w + "numId", w + "ilvl"
        # Read on the first paragraph that has a list number or a style.
        self.load_numbering, self.load_styles = numbering, styles
        self._levels: dict[str, dict[int, tuple[str, str, int]]] | None = None
        self._style_numbers: dict[str, tuple[str | None, int]] | None = None
        self.counters: dict[str, list[int]] = {}

    @property
    def levels(self) -> dict[str, dict[int, tuple[str, str, int]]]:
        """numId -> level -> (numFmt, lvlText, start); {} when the document has no numbering."""
        if self._levels is None:
            root = self.load_numbering()
            self._levels = _numbering_levels(root, self.ns) if root is not None else {}
        return self._levels

    @property
    def style_numbers(self) -> dict[str, tuple[str | None, int]]:
        """styleId -> (numId, level) for the styles that number their paragraphs."""
        if self._style_numbers is None:
            styles = self.load_styles()
            self._style_numbers = _style_numbers(styles) if styles else {}
        return self._style_numbers

    def lines(self, root: ElementTree.Element) -> Iterator[str]:
        body = root.find(f"{{{self.ns}}}body")
        if body is not None:
            yield from self.blocks(body)

    def blocks(self, parent: ElementTree.Element) -> Iterator[str]:
        """Paragraphs and table rows among `parent`'s children, descending into content controls."""
        tags = self.tags
        for child in parent:
            if child.tag == tags["p"]:
                yield self.number(child) + self.paragraph(child)
            elif child.tag == tags["tbl"]:
                yield from self.table(child)
            elif child.tag in (tags["sdt"], tags["sdtContent"]):
                yield from self.blocks(child)

    def table(self, table: ElementTree.Element) -> Iterator[str]:
        """Each row as one line, cells separated by a tab; a merged cell keeps its columns.

        A cell spanning two grid columns ("合计" across 序号 and 项目名称) is followed by an
        empty cell, so the amounts stay under their headers.
        """
        w = f"{{{self.ns}}}"
        tr, tc, tc_pr, grid_span = self.tags["tr"], self.tags["tc"], w + "tcPr", w + "gridSpan"
        for row in table:
            if row.tag != tr:
                continue
            cells: list[str] = []
            for cell in row:
                if cell.tag != tc:
                    continue
                text = " ".join(line.strip() for line in self.blocks(cell) if line.strip())
                cells.append(text.replace("\t", " "))
                width = self.grid_span(cell, tc_pr, grid_span)
                if width != "1":
                    cells.extend([""] * (min(int(width), 64) - 1 if width.isdigit() else 0))
            if any(cells):
                yield "\t".join(cells)

    def grid_span(self, cell: ElementTree.Element, tc_pr: str, grid_span: str) -> str:
        """The cell's <w:gridSpan w:val>, "1" when absent (cell.find("tcPr/gridSpan") is slower)."""
        for properties in cell:
            if properties.tag == tc_pr:
                for span in properties:
                    if span.tag == grid_span:
                        return span.get(self.val, "1")
        return "1"

    def paragraph(self, paragraph: ElementTree.Element) -> str:
        tags = self.tags
        t, tab, br, cr, hyphen = (
            tags["t"],
            tags["tab"],
            tags["br"],
            tags["cr"],
            tags["noBreakHyphen"],
        )
        parts: list[str] = []
        fallback: set[ElementTree.Element] = set()
        for element in paragraph.iter():  # document order, walked in C
            tag = element.tag
            if tag == t:
                if element.text and element not in fallback:
                    parts.append(element.text)
            elif tag == tab:
                if element not in fallback:
                    parts.append("\t")
            elif tag in (br, cr):
                if element not in fallback:
                    parts.append("\n")
            elif tag == hyphen:
                if element not in fallback:
                    parts.append("-")
            elif tag == _MC_FALLBACK:  # the fallback repeats the text box's text
                fallback.update(element.iter())
        return "".join(parts)

    def number(self, paragraph: ElementTree.Element) -> str:
        """The list number Word shows before the paragraph ("一、" "（2）" "3."), or ""."""
        if not len(paragraph) or paragraph[0].tag != self.ppr:  # pPr comes first, if at all
            return ""
        num_id: str | None = None
        level, style = 0, None
        for item in paragraph[0]:
            if item.tag == self.numpr:
                for part in item:
                    if part.tag == self.numid:
                        num_id = part.get(self.val)
                    elif part.tag == self.ilvl:
                        level = int(part.get(self.val) or 0)
            elif item.tag == self.pstyle:
                style = item.get(self.val)
        if num_id is None:
            if style is None:
                return ""
            # A heading style is seldom numbered: styles.xml says so before numbering.xml is parsed.
            num_id, level = self.style_numbers.get(style, (None, 0))
            if num_id is None:
                return ""
        formats = self.levels.get(num_id)
        if not formats or level not in formats:
            return ""
        counters = self.counters.setdefault(num_id or "", [0] * 10)
        start = formats[level][2]
        counters[level] = counters[level] + 1 if counters[level] else start
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        fmt, text, _ = formats[level]
        if fmt in ("bullet", "none"):
            return ""
        for k in range(level + 1, 0, -1):
            k_fmt = formats.get(k - 1, ("decimal", "", 1))[0]
            text = text.replace(f"%{k}", _format_number(max(counters[k - 1], 1), k_fmt))
        return text


def _attr(element: ElementTree.Element | None, name: str) -> str | None:
    return element.get(name) if element is not None else None


def _numbering_levels(
    root: ElementTree.Element, ns: str
) -> dict[str, dict[int, tuple[str, str, int]]]:
    """numId -> level -> (numFmt, lvlText, start) from word/numbering.xml."""
    w = f"{{{ns}}}"
    val = w + "val"
    abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
    for definition in root.iter(f"{w}abstractNum"):
        levels: dict[int, tuple[str, str, int]] = {}
        for lvl in definition.iter(f"{w}lvl"):
            start = _attr(lvl.find(f"{w}start"), val) or "1"
            levels[int(lvl.get(w + "ilvl", "0"))] = (
                _attr(lvl.find(f"{w}numFmt"), val) or "decimal",
                _attr(lvl.find(f"{w}lvlText"), val) or "",
                int(start) if start.isdigit() else 1,
            )
        abstract[definition.get(w + "abstractNumId", "")] = levels
    return {
        num.get(w + "numId", ""): abstract.get(_attr(num.find(f"{w}abstractNumId"), val) or "", {})
        for num in root.iter(f"{w}num")
    }


_STYLE_ID = re.compile(rb'w:styleId="([^"]+)"')
_STYLE_NUM_ID = re.compile(rb'<w:numId w:val="(\d+)"')
_STYLE_LEVEL = re.compile(rb'<w:ilvl w:val="(\d+)"')


def _style_numbers(styles: bytes) -> dict[str, tuple[str | None, int]]:
    """styleId -> (numId, level) for paragraph styles that number their paragraphs.

    Found from each <w:numPr> back to its <w:style>: a few finds instead of a regex over every
    style of a large styles.xml.
    """
    out: dict[str, tuple[str | None, int]] = {}
    pos = styles.find(b"<w:numPr>")
    while pos != -1:
        end = styles.find(b"</w:numPr>", pos)
        start = styles.rfind(b"<w:style ", 0, pos)
        if end == -1:
            break
        if start != -1 and styles.rfind(b"</w:style>", start, pos) == -1:
            style_id = _STYLE_ID.search(styles, start, styles.find(b">", start))
            num_id, level = (
                _STYLE_NUM_ID.search(styles, pos, end),
                _STYLE_LEVEL.search(styles, pos, end),
            )
            if style_id:
                out[style_id[1].decode("utf-8", "replace")] = (
                    num_id[1].decode() if num_id else None,
                    int(level[1]) if level else 0,
                )
        pos = styles.find(b"<w:numPr>", end)
    return out


_CHINESE_NUMERALS = "〇一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    """A list counter as Word draws it.

    >>> [_format_number(n, "chineseCounting") for n in (1, 10, 12, 20, 35)]
    ['一', '十', '十二', '二十', '三十五']
    >>> _format_number(3, "decimalEnclosedCircle"), _format_number(2, "upperLetter")
    ('③', 'B')
    """
    if fmt.startswith(("chineseCounting", "ideographTraditional", "taiwaneseCounting")) or fmt in (
        "japaneseCounting",
        "chineseLegalSimplified",
    ):
        if n < 10:
            return _CHINESE_NUMERALS[n]
        if n < 100:
            tens, ones = divmod(n, 10)
            return (
                ("" if tens == 1 else _CHINESE_NUMERALS[tens])
                + "十"
                + (_CHINESE_NUMERALS[ones] if ones else "")
            )
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    return str(n)


# --- PDF --------------------------------------------------------------------------------------

_SENTENCE_FINAL = tuple("。！？!?：:")
# Running page numbers: "- 3 -", "第 3 页", "第3页 共12页", "3/12".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)


def read_pdf(path: Path | str, data: bytes) -> str:
    """A PDF's text layer, page by page, one line per printed line, lines rejoined into paragraphs.

    Text segments on one printed line far apart (table cells) are separated by a tab. A line that
    runs to the right margin continues on the next one, so wrapped paragraphs are joined; running
    page numbers are dropped. A PDF with no text at all is refused (a scan needs OCR first).
    """
    import pypdfium2 as pdfium  # the only PDF import; loaded only when a PDF is read

    if b"%%EOF" not in data[-2048:]:
        raise ReadError(
            path, "PDF 文件不完整（缺少结尾标记 %%EOF，可能下载或复制中断）：请重新获取原文件"
        )
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ReadError(path, "PDF 已加密（需要密码）：请导出不加密的副本") from exc
        raise ReadError(path, f"PDF 已损坏或无法解析（{exc}）：请重新导出原文件") from exc
    try:
        pages: list[list[_Line]] = []
        for index in range(len(document)):
            try:  # loading the page can fail too (a page tree that points back at itself)
                page = document[index]
                pages.append(_page_lines(page.get_textpage(), _strokes(page)))
            except pdfium.PdfiumError as exc:
                raise ReadError(path, f"PDF 第 {index + 1} 页无法读取（{exc}）") from exc
    finally:
        document.close()
    text = _join_lines(pages)
    if not text.strip():
        raise ReadError(
            path,
            "没有可提取的文字（可能是扫描件）：请先用 OCR 转成带文字层的 PDF，或提供 .docx/.txt",
        )
    return text


class _Line:
    """One printed line: its text segments left to right and its box."""

    __slots__ = ("bottom", "left", "right", "segments", "top")

    def __init__(self, left: float, bottom: float, right: float, top: float, text: str) -> None:
        self.left, self.bottom, self.right, self.top = left, bottom, right, top
        self.segments: list[tuple[float, float, str]] = [(left, right, text)]

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)

    def text(self) -> str:
        """The line's text; segments far apart (table cells) are separated by a tab."""
        parts: list[str] = []
        previous_right: float | None = None
        spaced = False  # PDFium ended the previous segment with a space it saw as a gap
        for left, right, raw in sorted(self.segments):
            segment = raw.strip()
            if previous_right is not None:
                gap = left - previous_right
                # A gap over half a character is a column break (a table cell): prose runs on
                # without one. Narrow columns leave less, but PDFium marks them with a space.
                if gap > self.height * 0.6 or (spaced and gap > self.height * 0.25):
                    parts.append("\t")
                elif parts[-1][-1:].isascii() or segment[:1].isascii():
                    # Keep "基本支出 512.30 520.80" apart, never "512.30520.80".
                    parts.append(" ")
            parts.append(segment)
            previous_right = right
            spaced = raw != raw.rstrip()
        return "".join(parts)


class _Row(_Line):
    """A row of a ruled table: its cells already separated by tabs."""

    __slots__ = ("row",)

    def __init__(self, left: float, top: float, right: float, row: str) -> None:
        super().__init__(left, top - 1, right, top, row)
        self.row = row

    def text(self) -> str:
        return self.row


def _page_lines(textpage: Any, strokes: tuple[list[Any], list[Any]]) -> list[_Line]:
    """The page's printed lines; a ruled table's rows as its cells, one line per row."""
    from etl import ruled

    runs = _runs(textpage)
    lines: list[_Line] = []
    taken: set[int] = set()
    for table in ruled.tables(*strokes, runs):
        taken |= table.runs
        for cells, top in zip(table.rows, table.row_tops, strict=True):
            lines.append(_Row(table.left, top, table.right, "\t".join(cells)))
    for index, run in enumerate(runs):
        if index in taken:
            continue
        left, bottom, right, top, segment = run.left, run.bottom, run.right, run.top, run.text
        middle = (top + bottom) / 2
        for line in reversed(lines[-8:]):  # rects come in reading order; a row is recent
            if not isinstance(line, _Row) and line.bottom <= middle <= line.top:
                line.segments.append((left, right, segment))
                line.left, line.right = min(line.left, left), max(line.right, right)
                line.bottom, line.top = min(line.bottom, bottom), max(line.top, top)
                break
        else:
            lines.append(_Line(left, bottom, right, top, segment))
    lines.sort(key=lambda line: -line.top)
    return lines


def _runs(textpage: Any) -> list[Any]:
    """The page's text runs (PDFium's text rectangles) with their text, in reading order."""
    import ctypes  # here, not at the top: a .docx or .txt never needs it

    import pypdfium2 as pdfium

    from etl.ruled import Run

    raw = textpage.raw
    count = pdfium.raw.FPDFText_CountRects(raw, 0, -1)
    chars = pdfium.raw.FPDFText_CountChars(raw)
    if count < 0 or chars < 0:
        raise pdfium.PdfiumError("Failed to count text rectangles.")
    # A rect's text, in UTF-16, is at most every char of the page (two units each) with a line
    # break before it: one buffer that size takes each rect's text in one call. (pypdfium2's
    # get_text_bounded asks for the length first, and each call scans every char of the page.)
    size = 4 * chars + 16
    buffer = (ctypes.c_ushort * size)()
    c_left, c_bottom, c_right, c_top = (ctypes.c_double() for _ in range(4))
    get_rect, get_text = pdfium.raw.FPDFText_GetRect, pdfium.raw.FPDFText_GetBoundedText
    runs = []
    for i in range(count):
        if not get_rect(raw, i, c_left, c_top, c_right, c_bottom):
            raise pdfium.PdfiumError("Failed to get a text rectangle.")
        left, bottom, right, top = c_left.value, c_bottom.value, c_right.value, c_top.value
        written = get_text(raw, left, top, right, bottom, buffer, size)
        if written > 0 and buffer[written - 1] == 0:  # the count includes the terminating NUL
            written -= 1
        segment = ctypes.string_at(buffer, 2 * written).decode("utf-16-le", "ignore").strip("\r\n")
        if segment.strip():
            runs.append(Run(left, bottom, right, top, segment))
    return runs


_MAX_PATHS = 20000  # a page of drawings, not a form: its strokes are not read


def _strokes(
    page: Any,
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """The page's horizontal and vertical strokes (y, x0, x1) / (x, y0, y1): a form's borders,
    drawn as lines or as rectangles around cells."""
    import ctypes

    import pypdfium2 as pdfium

    raw = pdfium.raw
    horizontal: list[tuple[float, float, float]] = []
    vertical: list[tuple[float, float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    for number, obj in enumerate(page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3)):
        if number >= _MAX_PATHS:
            break
        handle = obj.raw
        if not raw.FPDFPageObj_GetMatrix(handle, matrix):
            continue
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for i in range(raw.FPDFPath_CountSegments(handle)):
            segment = raw.FPDFPath_GetPathSegment(handle, i)
            if not raw.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO or not points:
                points, start = [point], point
                continue
            _stroke(points[-1], point, horizontal, vertical)
            points.append(point)
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                _stroke(point, start, horizontal, vertical)
    return horizontal, vertical


def _stroke(
    p: tuple[float, float],
    q: tuple[float, float],
    horizontal: list[tuple[float, float, float]],
    vertical: list[tuple[float, float, float]],
) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.5 and abs(x1 - x0) > 2:
        horizontal.append((y0, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) < 0.5 and abs(y1 - y0) > 2:
        vertical.append((x0, min(y0, y1), max(y0, y1)))


# A line starting like a heading or a list item starts a paragraph of its own. Compiled on the
# first PDF, not at import: compiling it takes 4-10 ms, paid by every sandbox child otherwise.
_PARAGRAPH_START = (
    r"\s*(?:第[一二三四五六七八九十\d]+(?:部分|章)|[一二三四五六七八九十]+[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]"
    r"|\d+\s*(?:、|[．.](?!\d))|[①-⑳])"
)


def _join_lines(pages: list[list[_Line]]) -> str:
    """Lines rejoined into paragraphs: a line running to the right margin continues below.

    A following line does not continue the paragraph when it is indented (a new paragraph),
    starts like a heading or list item, is a table row, or is set in another font size. When the
    document indents its paragraphs, that alone marks them, so a full line ending in 。 joins
    the next; otherwise a line ending in 。！？： ends its paragraph.
    """
    body = [line for page in pages for line in page]
    if not body:
        return ""
    paragraph_start = re.compile(_PARAGRAPH_START)  # re keeps it compiled after the first PDF
    margin_left = min(line.left for line in body)
    margin_right = max(line.right for line in body)
    indents = any(line.left - margin_left > line.height * 1.5 for line in body)
    out: list[list[str]] = []  # paragraphs as parts: `+=` on a str in a list copies it (quadratic)
    previous_height: float | None = None
    joinable = False  # the previous line ran to the right margin mid-paragraph
    for page in pages:
        for line in page:
            text = line.text()
            if _PAGE_NUMBER.match(text):
                continue
            height = line.height
            starts_paragraph = (
                line.left - margin_left > height * 1.5
                or "\t" in text
                or bool(paragraph_start.match(text))
                or (previous_height is not None and abs(height - previous_height) > 0.2 * height)
            )
            if joinable and out and not starts_paragraph:
                out[-1].append(text)
            else:
                out.append([text])
            joinable = (
                "\t" not in text
                and margin_right - line.right < height * 1.5
                and (indents or not text.endswith(_SENTENCE_FINAL))
            )
            previous_height = height
    return "\n".join("".join(parts) for parts in out) + "\n"
