"""The QR code of a printed form's marker, encoded with reportlab's encoder.

Choosing the mask is most of what encoding costs in reportlab (it lays out and scores
the whole symbol eight times, module by module, ~60 ms). Here the data modules are laid
out once, each mask is applied with a precomputed pattern, and the penalty — reportlab's
own rules, so the same mask wins — is scored on rows as strings and bit masks.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder

_RUN_RE = re.compile("0{5,}|1{5,}")
_FINDER = "10111010000"  # reportlab scores this one pattern only


@functools.lru_cache(maxsize=64)
def _mask_bits(version: int, mask: int, positions: tuple[tuple[int, int], ...]) -> tuple[bool, ...]:
    fn = qrencoder.QRUtil.getMask(mask)
    return tuple(bool(fn(row, col)) for col, row in positions)


def _penalty(modules: list[list[bool]]) -> int:
    """reportlab's ``QRUtil.getLostPoint`` (rules 1–4 as it implements them)."""
    n = len(modules)
    rows = ["".join("1" if m else "0" for m in row) for row in modules]
    cols = ["".join(col) for col in zip(*rows, strict=True)]
    score = 0
    for line in itertools.chain(rows, cols):
        for m in _RUN_RE.finditer(line):
            score += m.end() - m.start() - 2
    # Rule 3 on rows only: reportlab compares columns (tuples) with its list pattern,
    # which never matches.
    last = n - len(_FINDER)  # and it stops one short of the last position
    for line in rows:
        j = 0
        while True:
            k = line.find(_FINDER, j)
            if k < 0 or k >= last:
                break
            score += 40
            j = k + len(_FINDER)
    bits = [int(r, 2) for r in rows]
    low = (1 << (n - 1)) - 1
    for a, b in itertools.pairwise(bits):
        same = ~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & low
        score += 3 * same.bit_count()
    dark = sum(r.count("1") for r in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


def _best_mask(qr: qrencoder.QRCode) -> int:
    qr.makeImpl(True, 0)
    positions = tuple(qr.dataPosIterator())
    data = list(qr.dataBitIterator(qr.dataCache))
    data += [False] * (len(positions) - len(data))  # as mapData pads
    base = [row[:] for row in qr.modules]
    best, best_score = 0, None
    for mask in range(8):
        modules = [row[:] for row in base]
        flips = _mask_bits(qr.version, mask, positions)
        for (col, row), dark, flip in zip(positions, data, flips, strict=True):
            modules[row][col] = dark ^ flip
        score = _penalty(modules)
        if best_score is None or score < best_score:
            best, best_score = mask, score
    return best


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
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(value)
        qr.version = qr.calculate_version()
        mask = _best_mask(qr)
        qr.makeImpl(False, mask)
        runs = []
        for r, row in enumerate(qr.modules):
            c = 0
            for dark, group in itertools.groupby(bool(m) for m in row):
                n = len(list(group))
                if dark:
                    runs.append((r, c, n))
                c += n
        return cls(tuple(runs), qr.getModuleCount(), size, mask)

    def content(self) -> str:
        """PDF operators drawing the code in a ``size`` × ``size`` box at the origin."""
        box = self.size / (self.modules + 2 * self.border)
        # In module units every rectangle has whole-number corners.
        top = self.modules + self.border - 1
        ops = [f"{col + self.border} {top - r} {n} 1 re" for r, col, n in self.runs]
        return f"q {box:.6f} 0 0 {box:.6f} 0 0 cm 0 g\n" + "\n".join(ops) + "\nf Q"
