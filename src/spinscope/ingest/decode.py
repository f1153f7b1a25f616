"""Bytes to text: refuse binary data, detect the encoding, repair mojibake."""

from __future__ import annotations

from spinscope.errors import InputError

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\x7fELF",
    b"MZ",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
)


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith(_BINARY_MAGIC):
        return True
    if b"\x00" in head:
        return utf16_without_bom(data) is None
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(head) > 0 and control / len(head) > 0.1


def decode_bytes(data: bytes, *, name: str = "input") -> tuple[str, list[str]]:
    """Decode ``data`` into text; returns (text, warnings). Raises InputError for binary data."""
    warnings: list[str] = []
    if not data.strip():
        raise InputError(f"{name} is empty")
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _finish(data.decode(codec), warnings, name)
            except UnicodeDecodeError:
                raise InputError(f"{name}: invalid {codec} text") from None
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise InputError(f"{name}: looks like UTF-16 without a byte order mark, but is not valid UTF-16") from None
        warnings.append(f"{name} is UTF-16 without a byte order mark; decoded as {utf16.upper()}")
        return _finish(text, warnings, name)
    if looks_binary(data):
        raise InputError(f"{name} looks like a binary file, not text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        repaired = _mostly_utf8(data, name, warnings)
        if repaired is not None:
            text = repaired
        else:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise InputError(f"{name}: cannot detect its text encoding") from None
            text = str(best)
            warnings.append(f"{name} is not UTF-8; decoded as {best.encoding}")
    return _finish(text, warnings, name)


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` looks like UTF-16 text without a byte order mark: in
    mostly-Latin text every other byte is zero (odd bytes for little-endian, even ones for big-endian)."""
    head = data[:4096]
    if len(head) < 8 or len(data) % 2:
        return None
    half = len(head) // 2
    even_zero, odd_zero = head[0::2].count(0) / half, head[1::2].count(0) / half
    if odd_zero > 0.4 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.4 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes, name: str, warnings: list[str]) -> str | None:
    """UTF-8 with replacement characters when ``data`` is UTF-8 but for a few bad bytes (a truncated or
    spliced file): it then holds far more valid multi-byte sequences than invalid bytes. Text in a legacy
    8-bit encoding (cp1252 "café" is one invalid byte per accent) has hardly any valid ones: None."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if valid < 4 * bad or valid == 0:
        return None
    warnings.append(f"{name} is UTF-8 with {bad} invalid byte sequence(s); replaced with U+FFFD")
    return text.removeprefix("\ufeff")


def _finish(text: str, warnings: list[str], name: str) -> tuple[str, list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = repair_mojibake(text)
    if fixed != text:
        warnings.append(f"{name}: repaired mis-decoded characters (mojibake)")
    if not fixed.strip():
        raise InputError(f"{name} is empty")
    return fixed, warnings


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1/cp1252 ("Ã©" -> "é", "â€™" -> "’") without touching anything else."""
    if not any(marker in text for marker in ("Ã", "â€", "Â", "Ð", "Ø")):
        return text
    import ftfy

    return str(
        ftfy.fix_text(
            text,
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            fix_surrogates=False,
            remove_control_chars=False,
            normalization=None,
        )
    )
