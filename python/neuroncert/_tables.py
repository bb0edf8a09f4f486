"""Result tables: columns of NumPy arrays, printed as a readable table, convertible to dict/pandas."""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, Optional

import numpy as np


def _column(values: List[Any]) -> np.ndarray:
    """One column from a list of Python values (None where the CLI's CSV cell is empty).

    All integers (or None): int64, with -1 for None (a concept index that does not exist).
    Numbers: float64, with NaN for None. Booleans: bool. Anything else (names, lists): object,
    with "" for a missing name.
    """
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return np.array([bool(v) for v in values], dtype=bool)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return np.array([-1 if v is None else v for v in values], dtype=np.int64)
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)
    if not present:
        return np.full(len(values), math.nan)
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = "" if v is None and all(isinstance(p, str) for p in present) else v
    return out


def columns_from_rows(rows: Iterable[Mapping[str, Any]]) -> Dict[str, np.ndarray]:
    rows = list(rows)
    names: List[str] = []
    for r in rows:
        for k in r:
            if k not in names:
                names.append(k)
    return {k: _column([r.get(k) for r in rows]) for k in names}


def _cell(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return "-" if math.isnan(v) else f"{v:.4g}"
    if isinstance(v, (list, tuple, np.ndarray)):
        return ";".join(str(x) for x in v)
    return str(v)


class Table:
    """Named columns of equal length, each a NumPy array.

    ``t["estimate"]`` is a column, ``len(t)`` the number of rows, ``t.to_dict()`` a plain dict of
    arrays, ``t.to_pandas()`` a DataFrame (when pandas is importable). Printing shows the first
    rows and the summary.
    """

    title = "table"
    shown_rows = 12

    def __init__(self, columns: Dict[str, np.ndarray], summary: Optional[Dict[str, Any]] = None):
        self.columns = columns
        self.summary = summary or {}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def keys(self):
        return self.columns.keys()

    def to_dict(self) -> Dict[str, np.ndarray]:
        return dict(self.columns)

    def to_pandas(self):
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise ImportError("to_pandas() needs pandas (Debian: python3-pandas); to_dict() needs nothing") from e
        return pd.DataFrame(self.columns)

    def _header_lines(self) -> List[str]:
        return [self.title]

    def _shown_columns(self) -> List[str]:
        return list(self.columns)

    def __repr__(self) -> str:
        names = self._shown_columns()
        n = len(self)
        rows = [[_cell(self.columns[c][i]) for c in names] for i in range(min(n, self.shown_rows))]
        widths = [max([len(c)] + [len(r[k]) for r in rows]) for k, c in enumerate(names)]
        lines = self._header_lines()
        lines.append("  ".join(c.rjust(w) for c, w in zip(names, widths)))
        for r in rows:
            lines.append("  ".join(x.rjust(w) for x, w in zip(r, widths)))
        if n > self.shown_rows:
            lines.append(f"... {n - self.shown_rows} more rows ({n} in all; .to_dict() or .to_pandas() for all)")
        return "\n".join(lines)
