"""Report files -> text. The only module that knows file formats."""

from __future__ import annotations

import codecs
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt",)


class ReadError(Exception):
    """A report file that cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes; raises ReadError naming the file when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReadError(path, f"无法读取文件（{exc.strerror}）") from exc


def read_text(path: Path | str, data: bytes | None = None) -> str:
    """The report's text (from `data` when the bytes are already read); raises ReadError."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ReadError(
            path,
            f"不支持的文件类型 {path.suffix or '（无扩展名）'}：请另存为 UTF-8 或 GBK 编码的 .txt 文本",
        )
    return decode_text(path, read_bytes(path) if data is None else data)


def decode_text(path: Path | str, data: bytes) -> str:
    """Decode by a fixed chain, BOM -> strict UTF-8 -> strict GB18030; never replace characters."""
    if not data.strip():
        raise ReadError(path, "文件为空")
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
        if "\x00" in text:
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise ReadError(path, "无法识别的文本编码（既不是 UTF-8 也不是 GB18030/GBK），或不是文本文件")
