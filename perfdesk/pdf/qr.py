"""The QR code of a printed form's marker: reportlab's QR code, made quickly.

reportlab's encoder (pure Python, ~60 ms a code) lays out and scores the whole symbol
eight times module by module to choose the mask, and computes the error correction with
polynomial objects. Here, per version and once per process, the function patterns, the
order of the data modules and each mask's pattern are kept as strings and integers; a
code is then its data bits (error correction with log tables) XORed with each mask,
gathered into the symbol with one ``str.join``, and scored by reportlab's own penalty
rules on strings, so the same mask wins and the symbol is the one reportlab would draw.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest
from operator import itemgetter
from pathlib import Path
from types import ModuleType
from typing import Any


def _load_qrencoder() -> ModuleType:
    """reportlab's QR encoder (a module of its own, importing only ``re`` and
    ``itertools``) without its package, whose ``__init__`` imports the barcode widgets
    and with them platypus: 0.14 s of a command's start. A frozen build has no source
    files: the usual import there."""
    import reportlab

    path = Path(reportlab.__file__).parent / "graphics" / "barcode" / "qrencoder.py"
    spec = importlib.util.spec_from_file_location("perfdesk._qrencoder", path)
    if spec is None or spec.loader is None or not path.is_file():
        from reportlab.graphics.barcode import qrencoder as module

        return module
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


qrencoder = _load_qrencoder()
LEVEL = qrencoder.QRErrorCorrectLevel.M
_ONES_RE = re.compile("1+")
_FINDER = "10111010000"  # the one pattern reportlab's rule 3 scores


@dataclass(frozen=True)
class _Version:
    n: int
    base: str  # the symbol without data ("0"/"1" per module, row by row)
    gather: Callable[[str], tuple[str, ...]]  # the modules from base + data bits
    masks: tuple[int, ...]  # each mask over the data modules, as an integer
    positions: int  # number of data modules
    blocks: tuple[tuple[int, int], ...]  # (data, total) codewords of each block
    format_cells: tuple[tuple[int, ...], tuple[int, ...]]  # flat indices of format bits


@functools.lru_cache(maxsize=16)
def _version(version: int) -> _Version:
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVEL)
    qr = qrencoder.QRCode(version, LEVEL)
    qr.dataCache = [0] * sum(b.totalCount for b in blocks)
    qr.makeImpl(True, 0)
    n = qr.getModuleCount()
    positions = qr.dataPosIterator()
    base = "".join("1" if m else "0" for row in qr.modules for m in row)
    gather = list(range(n * n))
    for k, (col, row) in enumerate(positions):
        gather[row * n + col] = n * n + k
    masks = []
    for mask in range(8):
        fn = qrencoder.QRUtil.getMask(mask)
        masks.append(int("".join("1" if fn(row, col) else "0" for col, row in positions), 2))
    vertical = tuple((i if i < 6 else i + 1 if i < 8 else n - 15 + i) * n + 8 for i in range(15))
    horizontal = tuple(
        8 * n + (n - i - 1 if i < 8 else 15 - i if i < 9 else 15 - i - 1) for i in range(15)
    )
    return _Version(
        n, base, itemgetter(*gather),
        tuple(masks), len(positions), tuple((b.dataCount, b.totalCount) for b in blocks),
        (vertical, horizontal),
    )  # fmt: skip


def _log_tables() -> tuple[list[int], list[int]]:
    exp = [0] * 512
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


_EXP, _LOG = _log_tables()


@functools.lru_cache(maxsize=32)
def _generator_rows(ec: int) -> tuple[int, ...]:
    """``c · g(x)`` for every byte c as an integer of ec + 1 bytes, where
    g(x) = ∏(x − αⁱ), i < ec, is the generator of ``ec`` error correction codewords."""
    poly = [1]
    for i in range(ec):
        nxt = poly + [0]
        for j, c in enumerate(poly):
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    rows = [0]
    for c in range(1, 256):
        scaled = bytes(_EXP[_LOG[c] + _LOG[g]] if g else 0 for g in poly)
        rows.append(int.from_bytes(scaled, "big"))
    return tuple(rows)


def _error_correction(data: list[int], ec: int) -> list[int]:
    """The remainder of data(x)·x^ec divided by g(x): polynomial long division with the
    polynomials as big integers of bytes (GF(256) addition is XOR)."""
    rows = _generator_rows(ec)
    rest = int.from_bytes(bytes(data), "big") << (8 * ec)
    total = len(data) + ec
    for i in range(len(data)):
        shift = 8 * (total - 1 - i)
        coef = (rest >> shift) & 0xFF
        if coef:
            rest ^= rows[coef] << (shift - 8 * ec)
    return list(rest.to_bytes(total, "big")[len(data) :])


class _Bits:
    """The bit buffer reportlab's data segments write to (``put``), as one integer."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # noqa: N802 - reportlab's name
        self.put(int(bit), 1)

    def getLengthInBits(self) -> int:  # noqa: N802 - reportlab's name
        return self.length


def _codewords(qr: Any, v: _Version) -> list[int]:
    """reportlab's ``QRCode.createData``: segments, terminator, padding, then the
    Reed–Solomon blocks interleaved."""
    bits = _Bits()
    for data in qr.dataList:
        data.write(bits, qr.version)
    capacity = sum(d for d, _ in v.blocks) * 8
    if bits.length > capacity:
        raise ValueError("QR code data too long")
    if bits.length + 4 <= capacity:
        bits.put(0, 4)
    bits.put(0, -bits.length % 8)
    words = list(bits.value.to_bytes(bits.length // 8, "big"))
    pad = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    words += [pad[k % 2] for k in range(capacity // 8 - len(words))]
    dc, ecw = [], []
    offset = 0
    for count, total in v.blocks:
        dc.append(words[offset : offset + count])
        offset += count
        ecw.append(_error_correction(dc[-1], total - count))
    return [w for group in (*zip_longest(*dc), *zip_longest(*ecw)) for w in group if w is not None]


@functools.lru_cache(maxsize=16)
def _masks(n: int) -> tuple[int, int, int]:
    """Bit masks over a symbol read as one integer (first module = highest bit): module
    pairs side by side in a row, pairs one above the other, and every module."""
    size = n * n
    everything = (1 << size) - 1
    pairs_h = sum(1 << p for p in range(size - 1) if p % n != n - 1)
    pairs_v = (1 << (size - n)) - 1
    return pairs_h, pairs_v, everything


def _penalty(symbol: str, v: _Version) -> int:
    """reportlab's ``QRUtil.getLostPoint``, rule for rule, on the symbol as an integer."""
    n = v.n
    pairs_h, pairs_v, everything = _masks(n)
    bits = int(symbol, 2)
    same_h = ~(bits ^ (bits >> 1)) & pairs_h  # a module and the next in its row agree
    same_v = ~(bits ^ (bits >> n)) & pairs_v  # a module and the one under it agree
    # Rule 1: a run of k ≥ 5 scores k − 2: it has k − 4 windows of 4 agreeing pairs
    # (k − 1 pairs), so k − 2 is the number of windows plus 2 per run.
    score = 0
    for same, step in ((same_h, 1), (same_v, n)):
        windows = same & (same >> step) & (same >> 2 * step) & (same >> 3 * step)
        starts = windows & ~(windows << step) & everything
        score += windows.bit_count() + 2 * starts.bit_count()
    # Rule 2: 2×2 blocks of one colour.
    score += 3 * (same_h & same_v & (same_h >> n)).bit_count()
    # Rule 3 on rows only (reportlab compares columns, tuples, with a list: never equal),
    # ending before the last module; the pattern cannot overlap itself.
    rows = "2".join(symbol[i : i + n - 1] for i in range(0, n * n, n))
    score += 40 * rows.count(_FINDER)
    # Rule 4: balance of dark and light.
    return score + 10 * (abs(100 * symbol.count("1") // (n * n) - 50) // 5)


@dataclass(frozen=True)
class QrCode:
    """A QR code as runs of dark modules (row, first column, length)."""

    runs: tuple[tuple[int, int, int], ...]
    modules: int
    size: float
    mask: int
    border: int = 2

    @classmethod
    def encode(cls, value: str, size: float) -> QrCode:
        qr = qrencoder.QRCode(None, LEVEL)
        qr.addData(value)
        qr.version = qr.calculate_version()
        v = _version(qr.version)
        bits = "".join(f"{w:08b}" for w in _codewords(qr, v)).ljust(v.positions, "0")
        data = int(bits[: v.positions], 2)
        best = best_symbol = None
        for mask, pattern in enumerate(v.masks):
            src = v.base + format(data ^ pattern, f"0{v.positions}b")
            symbol = "".join(v.gather(src))
            score = _penalty(symbol, v)
            if best is None or score < best[0]:
                best, best_symbol = (score, mask), symbol
        assert best is not None and best_symbol is not None
        mask = best[1]
        cells = list(best_symbol)
        fmt = qrencoder.QRUtil.getBCHTypeInfo((LEVEL << 3) | mask)
        for i in range(15):
            bit = "1" if (fmt >> i) & 1 else "0"
            cells[v.format_cells[0][i]] = cells[v.format_cells[1][i]] = bit
        n = v.n
        cells[(n - 8) * n + 8] = "1"  # the dark module
        if qr.version >= 7:
            number = qrencoder.QRUtil.getBCHTypeNumber(qr.version)
            for i in range(18):
                bit = "1" if (number >> i) & 1 else "0"
                cells[(i // 3) * n + i % 3 + n - 11] = bit
                cells[(i % 3 + n - 11) * n + i // 3] = bit
        # Rows apart by a light module, so that no run of dark ones spans two rows.
        rows = "0".join("".join(cells[r * n : r * n + n]) for r in range(n))
        width = n + 1
        runs = tuple(
            (m.start() // width, m.start() % width, m.end() - m.start())
            for m in _ONES_RE.finditer(rows)
        )
        return cls(runs, n, size, mask)

    def content(self) -> str:
        """PDF operators drawing the code in a ``size`` × ``size`` box at the origin."""
        box = self.size / (self.modules + 2 * self.border)
        # In module units every rectangle has whole-number corners.
        top = self.modules + self.border - 1
        ops = [f"{col + self.border} {top - r} {n} 1 re" for r, col, n in self.runs]
        return f"q {box:.6f} 0 0 {box:.6f} 0 0 cm 0 g\n" + "\n".join(ops) + "\nf Q"
