"""What one run of the pipeline produced: every result by name, the outputs written and the time of each stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from ..config import Config
from ..spatial.labels import NOT_TESTED
from ..spatial.multiple_testing import CORRECTION_NAMES
from ._stages import source_name

__all__ = ["PipelineResult"]

# Results with a column per area, joined to the data in to_frame() under their prefix.
_PER_AREA = {"hotspots": "", "gi": "", "uncertainty": "uncertainty_", "robust": "robust_", "services": "services_",
             "access": "access_", "zones": "zones_", "allocation": "allocation_", "change": "change_"}  # fmt: skip


@dataclass(frozen=True, eq=False)
class PipelineResult:
    """Everything one run produced, by name (``result.index``, ``result.gi`` ...), with each stage's seconds.

    ``results`` holds every stage's result; the names of the steps that were not configured read as None.
    ``outputs`` names the files written; ``timings`` the seconds each stage took.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> frame = result.to_frame()
    >>> len(frame), {"score", "rank", "lisa_label"} <= set(frame.columns), frame.index.equals(result.data.index)
    (159, True, True)
    >>> print(result.summary().splitlines()[0])
    Areas read: 159 (georgia_counties.gpkg)
    >>> result.gi is None, sorted(result.timings)[:3]  # Gi* was not configured
    (True, ['graph', 'hotspots', 'index'])
    """

    config: Config
    results: Mapping[str, Any]
    outputs: Mapping[str, Path | str]  # a file, or the database table written ("schema.table")
    timings: Mapping[str, float]

    def __getattr__(self, name: str) -> Any:
        results = self.__dict__.get("results", {})
        if name in results or name in KNOWN:
            return results.get(name)
        raise AttributeError(f"PipelineResult has no result {name!r}; it has {', '.join(sorted(results))}")

    def to_frame(self) -> gpd.GeoDataFrame:
        """The joined data with every per-area result's columns (prefixed by their step), one row per area."""
        frame = self.data.join(self.index.to_frame())
        for name, prefix in _PER_AREA.items():
            found = self.results.get(name)
            if found is not None and hasattr(found, "to_frame"):
                frame = frame.join(found.to_frame().add_prefix(prefix))
        return frame

    def __repr__(self) -> str:
        return (
            f"PipelineResult({len(self.data)} areas, Moran's I {self.moran.I:.4f}, "
            f"{sum(self.timings.values()):.1f} s; wrote {', '.join(self.outputs) or 'nothing'})"
        )

    def _repr_html_(self) -> str:
        from .._repr import html_repr

        m = self.moran
        summary = {
            "areas read": self.n_read,
            "areas joined": len(self.data),
            "Moran's I": m.I,
            "p": m.p,
            "seed": m.seed,
            **{f"wrote {k}": p.name if isinstance(p, Path) else p for k, p in self.outputs.items()},
            **{f"{k} (s)": t for k, t in self.timings.items()},
        }
        frame = self.to_frame().drop(columns=self.data.geometry.name)
        return html_repr(self, summary, counts=self.hotspots.counts(), frame=frame)

    def summary(self) -> str:
        """A few lines for the terminal: what was read, joined, computed and written."""
        spec = ", ".join(f"{c} {d:+d}" for c, d in self.index.spec.directions.items())
        method = " / ".join(str(self.index.method[k]) for k in ("normalise", "weighting", "aggregate"))
        h = self.hotspots
        counts = ", ".join(f"{label} {n}" for label, n in h.counts().items() if n or label not in NOT_TESTED)
        lines = [
            f"Areas read: {self.n_read} ({source_name(self.config.boundaries)})",
            *(f"Table: {r.summary()}" for r in self.table_reports),
            *(f"Join: {r.summary()}" for r in self.reports),
            f"Areas joined: {len(self.data)}",
            f"Index: {method} of {spec}; {int(self.index.score.notna().sum())} areas scored",
            f"Global Moran's I = {self.moran.I:.4f} ({_p_line(self.moran)})",
            (
                f"LISA clusters (alpha = {h.alpha}, {h.alternative}, {CORRECTION_NAMES[h.correction]}, "
                f"{_inference_words(h)}): {counts}"
            ),
            *(line for _, line in _extra_lines(self)),
            "Wrote " + ", ".join(str(p) for p in self.outputs.values()),
        ]
        return "\n".join(lines)


KNOWN = ("n_read", "areas", "table_reports", "reports", "data", "graph", "index", "moran", "hotspots", "gi",
         "geary", "general_g", "districts", "uncertainty", "robust", "services", "access", "sites", "zones",
         "groups", "allocation", "change")  # fmt: skip


def _inference_words(stat: Any) -> str:
    if stat.inference == "analytic":
        return "analytic p-values"
    return f"{stat.permutations:,} permutations, seed {stat.seed}"


def _p_line(stat: Any) -> str:
    kind = "pseudo p" if stat.inference == "permutation" else "p"
    return f"{kind} = {stat.p:.4f}, {stat.alternative}, {_inference_words(stat)}"


def _extra_lines(r: PipelineResult) -> list[tuple[str, str]]:
    """One line for each optional step that ran."""
    lines = []
    for name, title in (("geary", "Geary's C"), ("general_g", "General G")):
        stat = r.results.get(name)
        if stat is not None:
            lines.append((name, f"{title} = {stat.value:.4f} ({_p_line(stat)})"))
    if r.gi is not None:
        counts = ", ".join(f"{k} {n}" for k, n in r.gi.counts().items() if n)
        lines.append(("gi", f"Gi* (alpha = {r.gi.alpha}, {CORRECTION_NAMES[r.gi.correction]}): {counts}"))
    if r.districts is not None:
        lines.append(("districts", f"Districts summarised: {len(r.districts)}"))
    if r.zones is not None:
        lines.append(("zones", f"Zones: {r.zones.n_zones} ({r.zones.method})"))
    if r.allocation is not None:
        lines.append(("allocation", _allocation_line(r.allocation)))
    if r.change is not None:
        lines.extend(("change", line) for line in r.change.summary_lines())
    return lines


def _allocation_line(a: Any) -> str:
    e = a.equity
    return (
        f"Allocation: {a.budget} shared {a.method} over {len(a.amounts)} areas; Gini {e.gini:.3f}, "
        f"concentration {e.concentration:+.3f}, {e.share_most_deprived:.1%} to the most deprived decile, "
        f"{e.share_hotspots:.1%} to High-High areas"
    )
