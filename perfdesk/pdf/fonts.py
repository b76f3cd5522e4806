"""The fonts a printed form uses, and the check that every character has a glyph.

A PDF embeds TrueType fonts as subsets, so it shows the same glyphs in every reader
and on every printer. The font chain, first loadable wins as the main font and the rest
serve characters it lacks:

1. ``PERFDESK_PDF_FONT`` (``path`` or ``path#index`` for a .ttc), when set;
2. on Windows 宋体 (``%WINDIR%\\Fonts\\simsun.ttc``, first face) and 仿宋 (``simfang.ttf``);
3. the bundled 文泉驿微米黑 (``resources/fonts/wqy-microhei.ttc``, Apache-2.0), so a fresh
   machine with only pip packages prints Chinese;
4. Droid Sans Fallback where the system has it (Debian's fonts-droid-fallback).

Each font is read and registered with reportlab (``pdfmetrics``/``TTFont``, ``subfontIndex``
for a .ttc), which embeds what a document uses of it as subsets. CFF-outline OpenType (.otf)
fonts cannot be embedded by reportlab; they fail to load and are skipped.
A character no font of the chain has is refused with :class:`MissingGlyphError` before
anything is drawn, because reportlab would draw it as the font's empty box (glyph 0). The
characters a font has are those its ``face.charToGlyph`` maps to a glyph other than 0.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from perfdesk.models.errors import InputError, PerfdeskError
from perfdesk.resources import resource_path

FONT_ENV = "PERFDESK_PDF_FONT"
BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")
SYSTEM_FALLBACKS = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),)

# Layout characters handled by the drawing code, not looked up in the font.
_LAYOUT_CHARS = frozenset("\n\r\t")


@dataclass(frozen=True)
class FontSpec:
    """One font file (and face inside a .ttc) to try."""

    path: Path
    subfont: int = 0


class MissingGlyphError(InputError):
    """A character of a field has no glyph in any font the form can use."""

    def __init__(self, char: str, field: str, fonts: Sequence[str]) -> None:
        self.char = char
        self.field = field
        self.fonts = tuple(fonts)
        code = f"U+{ord(char):04X}"
        # A field named with its row (分解目标第2行“指标目标值”) comes quoted already.
        where = field if "“" in field else f"“{field or '表格'}”"
        # An invisible or control character (a bidi override such as U+202E, NEL) is named
        # by its code alone: shown raw it would vanish or reverse the rest of the message.
        # A rare character is shown too, but the screen's font may lack it as well (an
        # empty box): the code is what identifies it for sure.
        if char.isprintable():
            what = f"字“{char}”（{code}）"
            advice = (
                "请把它换成常用字，或用文字说明这个字（如“左土右吉”）后再打印；"
                "如必须印出此字，请让管理员在本机安装含有此字的字体。"
            )
        else:
            what = f"不可见字符（{code}）"
            advice = "请删去这个字符后再打印。"
        super().__init__(f"{where}中的{what}打印字体里没有，无法打印。{advice}")


class NoFontError(PerfdeskError):
    """No usable font at all: the bundled font is missing and none was found."""


def _parse_env(value: str) -> FontSpec:
    path, _, index = value.partition("#")
    return FontSpec(Path(path), int(index) if index.strip().isdigit() else 0)


def candidate_fonts() -> list[FontSpec]:
    """The font chain for this machine, in order of preference (see module doc)."""
    specs: list[FontSpec] = []
    env = os.environ.get(FONT_ENV)
    if env:
        specs.append(_parse_env(env))
    if sys.platform == "win32":
        fonts_dir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        specs += [FontSpec(fonts_dir / "simsun.ttc", 0), FontSpec(fonts_dir / "simfang.ttf")]
    specs.append(FontSpec(resource_path(*BUNDLED_FONT), 0))
    specs += [FontSpec(p) for p in SYSTEM_FALLBACKS]
    return specs


# A font of the chain: its registered name, the reportlab font, the characters it has,
# its face name.
_Loaded = tuple[str, TTFont, frozenset[int], str]


class FontSet:
    """The fonts of a chain, main font first, with their character maps.

    Everything a form needs per character is a set or dict lookup: which font has it
    (``font_for``), its advance width (``width``), whether any font has it (``check``).
    The tables grow as characters are met and live as long as the process, so the forms
    of a ``print --year`` run share them. The fallback fonts are read only when a text
    needs a character the main font lacks (reading Droid Sans Fallback costs 0.3 s).
    """

    def __init__(self, loaded: Sequence[_Loaded], pending: Sequence[FontSpec] = ()) -> None:
        if not loaded:
            raise NoFontError("找不到可用于打印的中文字体（resources/fonts 中的字体文件缺失）。")
        self._fonts: list[_Loaded] = []
        self._pending = list(pending)
        self._index: dict[str, int] = {}
        self._char_widths: list[tuple[dict[int, float], float]] = []
        for font in loaded:
            self._add(font)
        self._cache: dict[str, str | None] = {}
        # Characters the main font has (plus the line break, handled by the layout): the
        # fast path of ``runs`` and ``check`` is one C-level superset test.
        self._main_chars: frozenset[str] = frozenset(map(chr, self._fonts[0][2])) | {"\n"}
        self._all_chars: frozenset[str] | None = None
        # Advance width of a character in thousandths of the font size, from the font of
        # the chain that draws it.
        self._widths: dict[str, float] = {"\n": 0.0}
        self._text_units: dict[str, float] = {}  # short texts' widths, in the same unit

    def _add(self, font: _Loaded) -> None:
        # The same face reached twice (env var naming the bundled font) is kept once.
        if any(font[3] == f[3] for f in self._fonts):
            return
        self._index[font[0]] = len(self._fonts)
        self._fonts.append(font)
        face = font[1].face
        self._char_widths.append((face.charWidths, face.defaultWidth))

    def _load_fallbacks(self) -> None:
        if not self._pending:
            return
        with _lock:
            for spec in self._pending:
                font = _load(spec)
                if font is not None:
                    self._add(font)
            self._pending = []
            self._all_chars = None

    @property
    def main(self) -> str:
        return self._fonts[0][0]

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the whole chain (reads the fallback fonts)."""
        self._load_fallbacks()
        return tuple(f[0] for f in self._fonts)

    @property
    def labels(self) -> tuple[str, ...]:
        """Face names of the whole chain, for messages (reads the fallback fonts)."""
        self._load_fallbacks()
        return tuple(f[3] for f in self._fonts)

    def name(self, index: int) -> str:
        """The name of the font ``index`` of ``runs``."""
        return self._fonts[index][0]

    def font_for(self, char: str) -> str | None:
        """The first font of the chain that has ``char``, or None."""
        found = self._cache.get(char, "")
        if found != "":
            return found
        code = ord(char)
        if code not in self._fonts[0][2]:
            self._load_fallbacks()
        result = next((name for name, _, cmap, _ in self._fonts if code in cmap), None)
        self._cache[char] = result
        return result

    def check(self, text: str | None, field: str) -> None:
        """Raise MissingGlyphError (naming ``field`` and the first such character) when a
        character of ``text`` is in no font of the chain."""
        if not text or self._main_chars.issuperset(text):
            return
        self._load_fallbacks()
        if self._all_chars is None:
            codes = frozenset().union(*(f[2] for f in self._fonts))
            self._all_chars = frozenset(map(chr, codes)) | {"\n"}
        if self._all_chars.issuperset(text):
            return
        for ch in text:
            if ch not in _LAYOUT_CHARS and self.font_for(ch) is None:
                raise MissingGlyphError(ch, field, self.labels)

    def in_main(self, text: str) -> bool:
        """Whether the main font has every character of ``text``."""
        return self._main_chars.issuperset(text)

    def runs(self, text: str, field: str = "") -> list[tuple[int, str]]:
        """``text`` cut into (font index, piece) runs; raises MissingGlyphError."""
        # Fast path: nearly every text is all in the main font.
        if self._main_chars.issuperset(text):
            return [(0, text)] if text else []
        out: list[tuple[int, str]] = []
        for ch in text:
            font = self.main if ch in _LAYOUT_CHARS else self.font_for(ch)
            if font is None:
                raise MissingGlyphError(ch, field, self.labels)
            index = self._index[font]
            if out and out[-1][0] == index:
                out[-1] = (index, out[-1][1] + ch)
            else:
                out.append((index, ch))
        return out

    def width(self, text: str, size: float, field: str = "") -> float:
        """Advance width of ``text`` at ``size`` points; raises MissingGlyphError."""
        units = self._text_units.get(text)
        if units is None:
            try:
                units = sum(map(self._widths.__getitem__, text))
            except KeyError:
                self.learn(text, field)
                units = sum(map(self._widths.__getitem__, text))
            if len(text) <= 64:  # labels, amounts, dates recur from form to form
                if len(self._text_units) >= 50_000:
                    self._text_units.clear()
                self._text_units[text] = units
        return units * size * 0.001

    @property
    def width_table(self) -> dict[str, float]:
        """Advance widths (thousandths of the size) of the characters met so far; a
        character missing from it is taught with ``learn``."""
        return self._widths

    def learn(self, text: str, field: str) -> None:
        """Put the characters of ``text`` into the width table; raises MissingGlyphError
        (naming ``field``) at the first character no font has."""
        widths = self._widths
        for ch in dict.fromkeys(text):
            if ch in widths:
                continue
            font = self.font_for(ch)
            if font is None:
                raise MissingGlyphError(ch, field, self.labels)
            # As reportlab's TTFont.stringWidth measures it.
            table, default = self._char_widths[self._index[font]]
            widths[ch] = float(table.get(ord(ch), default))

    def string_width(self, text: str, size: float, field: str = "") -> float:
        return self.width(text, size, field)


# Control characters other than the line break: they have no glyph and mean a gap.
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Line breaks as ``\\n``, tabs and other control characters (Excel leaves _x000B_
    and the like) as spaces: they have no glyph and mean a gap."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub(" ", text)


_lock = threading.Lock()
_loaded: dict[FontSpec, _Loaded | None] = {}
_sets: dict[tuple[FontSpec, ...], FontSet] = {}


def _load(spec: FontSpec) -> _Loaded | None:
    """Read one font once per process; None when it cannot be used."""
    if spec in _loaded:
        return _loaded[spec]
    result = None
    if spec.path.is_file():
        name = f"perfdesk-font{len(_loaded)}"
        try:
            font = TTFont(name, str(spec.path), subfontIndex=spec.subfont)
        except Exception:  # noqa: BLE001 - reportlab's parser raises many kinds
            # CFF .otf (TTFError), a corrupt file (struct.error, IndexError…) or a bad .ttc
            # index: try the next font.
            font = None
        if font is not None:
            pdfmetrics.registerFont(font)
            face = font.face
            # Characters mapped to glyph 0 would print as the empty box: not "had".
            chars = frozenset(code for code, glyph in face.charToGlyph.items() if glyph)
            label = face.name.decode("latin-1") if isinstance(face.name, bytes) else face.name
            result = (name, font, chars, label)
    _loaded[spec] = result
    return result


def load_fonts(specs: Sequence[FontSpec]) -> FontSet:
    """A FontSet of ``specs``: the first loadable one is the main font, the rest are
    read when first needed (cached per chain)."""
    key = tuple(specs)
    with _lock:
        if key not in _sets:
            loaded: list[_Loaded] = []
            pending: list[FontSpec] = []
            for n, spec in enumerate(specs):
                main = _load(spec)
                if main is not None:
                    loaded, pending = [main], list(specs[n + 1 :])
                    break
            _sets[key] = FontSet(loaded, pending)
        return _sets[key]


def default_fonts() -> FontSet:
    """The font chain of this machine (see module doc)."""
    return load_fonts(candidate_fonts())
