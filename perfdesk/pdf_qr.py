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
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise, zip_longest
from operator import itemgetter

from reportlab.graphics.barcode import qrencoder

LEVEL = qrencoder.QRErrorCorrectLevel.M
_RUN_RE = re.compile("0{5,}|1{5,}")
_ONES_RE = re.compile("1+")
_FINDER = "10111010000"  # the one pattern reportlab's rule 3 scores


@dataclass(frozen=True)
class _Version:
    n: int
    base: str  # the symbol without data ("0"/"1" per module, row by row)
    gather: Callable[[str], tuple[str, ...]]  # the modules from base + data bits
    transpose: Callable[[str], tuple[str, ...]]  # the modules column by column
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
        n, base, itemgetter(*gather), itemgetter(*(c * n + r for r in range(n) for c in range(n))),
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
def _generator(ec: int) -> tuple[int, ...]:
    """Log of the coefficients of ∏(x − αⁱ), i < ec, highest first (leading 1 dropped)."""
    poly = [1]
    for i in range(ec):
        nxt = poly + [0]
        for j, c in enumerate(poly):
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    return tuple(_LOG[c] for c in poly[1:])


def _error_correction(data: list[int], ec: int) -> list[int]:
    gen = _generator(ec)
    rest = data + [0] * ec
    for i in range(len(data)):
        coef = rest[i]
        if coef:
            lc = _LOG[coef]
            for j, g in enumerate(gen, i + 1):
                rest[j] ^= _EXP[lc + g]
    return rest[len(data) :]


def _codewords(qr: qrencoder.QRCode, v: _Version) -> list[int]:
    """reportlab's ``QRCode.createData``, the Reed–Solomon part with log tables."""
    buffer = qrencoder.QRBitBuffer()
    for data in qr.dataList:
        data.write(buffer, qr.version)
    capacity = sum(d for d, _ in v.blocks) * 8
    if buffer.getLengthInBits() > capacity:
        raise ValueError("QR code data too long")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pad = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    k = 0
    while buffer.getLengthInBits() < capacity:
        buffer.put(pad[k % 2], 8)
        k += 1
    words = list(buffer.buffer)
    dc, ecw = [], []
    offset = 0
    for count, total in v.blocks:
        dc.append(words[offset : offset + count])
        offset += count
        ecw.append(_error_correction(dc[-1], total - count))
    return [w for group in (*zip_longest(*dc), *zip_longest(*ecw)) for w in group if w is not None]


def _penalty(symbol: str, v: _Version) -> int:
    """reportlab's ``QRUtil.getLostPoint``, rule for rule."""
    n = v.n
    rows = [symbol[i : i + n] for i in range(0, n * n, n)]
    by_col = "".join(v.transpose(symbol))
    cols = [by_col[i : i + n] for i in range(0, n * n, n)]
    # Rule 1: runs of five or more in rows and columns.
    score = sum(len(run) - 2 for run in _RUN_RE.findall("2".join(rows + cols)))
    # Rule 3 on rows only (reportlab compares columns, tuples, with a list: never equal),
    # leftmost non-overlapping, ending before the last module.
    score += 40 * "2".join(r[:-1] for r in rows).count(_FINDER)
    # Rule 2: 2×2 blocks of one colour.
    low = (1 << (n - 1)) - 1
    for a, b in pairwise(int(r, 2) for r in rows):
        score += 3 * (~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & low).bit_count()
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
        symbol = "".join(cells)
        runs = tuple(
            (r, m.start() - r * n, m.end() - m.start())
            for r in range(n)
            for m in _ONES_RE.finditer(symbol, r * n, r * n + n)
        )
        return cls(runs, n, size, mask)

    def content(self) -> str:
        """PDF operators drawing the code in a ``size`` × ``size`` box at the origin."""
        box = self.size / (self.modules + 2 * self.border)
        # In module units every rectangle has whole-number corners.
        top = self.modules + self.border - 1
        ops = [f"{col + self.border} {top - r} {n} 1 re" for r, col, n in self.runs]
        return f"q {box:.6f} 0 0 {box:.6f} 0 0 cm 0 g\n" + "\n".join(ops) + "\nf Q"
