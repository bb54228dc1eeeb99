"""Light maps: topology-preserving coverage simplification and coordinate rounding to meet a size budget.

Geometry dominates a map's file. :func:`fit_geometry` writes each area's geometry in WGS 84 on a grid of
``precision`` decimals, compactly (:mod:`.encode`); when the page would exceed the budget it simplifies the areas
*as a coverage* (the method of GEOS's ``CoverageSimplifier``, shapely's ``coverage_simplify``, run on arrays by
:mod:`._coverage` in a third of its time: a border shared by two areas is simplified once, so neighbours never
overlap or open gaps), with a tolerance that grows until the page fits.
Beyond what simplification can do without deforming the areas, it refuses and says what to do instead.

The simplification is Visvalingam and Whyatt's (1993, *The Cartographic Journal* 30(1)): a vertex goes when
the triangle it forms with its two neighbours has an area below :math:`t^2`, :math:`t` the tolerance in
metres, repeatedly, smallest first, unless its triangle holds another vertex (Davis's topology-preserving
variant, as in GEOS); so a tolerance of 100 m removes wiggles of about a hectare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from .. import _validation as v
from ..errors import MapTooLargeError, ValidationError
from .encode import encode_areas

if TYPE_CHECKING:
    from ._coverage import Coverage

__all__ = [
    "MAX_VERTICES",
    "OVERSIZE",
    "MapEstimate",
    "MapSize",
    "check_map_size",
    "default_budget_mb",
    "estimate_map_size",
    "fit_geometry",
    "simplify_coverage",
]

OVERSIZE = ("raise", "warn")
MB = 1_000_000
# Chromium here draws 35,000 areas of this many vertices within 3 s (benchmarks/bench_maps.py), whatever the bytes.
MAX_VERTICES = 1_500_000
STEP = 2**0.5  # successive tolerances tried grow by this factor
LEAST_VERTICES = 4  # an area keeps at least a triangle (and its first vertex, written in full)
AREA_FLOOR = 40  # bytes an area takes in the page besides its geometry, at the least (properties, wrapper)
SAMPLE = 500  # areas encoded to learn the bytes per vertex


def default_budget_mb(n_areas: int) -> float:
    """The size a single map file should stay under: 15 MB up to 35,000 areas, 40 MB above.

    These are the sizes that headless Chromium here opens within 3 s and 10 s (see ``benchmarks/bench_maps.py``).

    Examples
    --------
    >>> default_budget_mb(1_068), default_budget_mb(100_000)  # Barcelona's sections; a national map
    (15.0, 40.0)
    """
    return 15.0 if n_areas <= 35_000 else 40.0


@dataclass(frozen=True)
class MapSize:
    """What :func:`fit_geometry` did: page size before and after, the tolerance (metres) and the precision used.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> m = dm.explore(dm.datasets.load_georgia())
    >>> size = m.dm_size  # what explore did to keep the page light
    >>> size.n_areas, size.bytes_after <= size.budget_bytes, size.tolerance_m  # small enough: not simplified
    (159, True, 0.0)
    >>> size.summary().split(":")[0]
    '159 areas'
    """

    n_areas: int
    bytes_before: int
    bytes_after: int
    vertices_before: int
    vertices_after: int
    tolerance_m: float
    precision: int
    budget_bytes: int
    before_estimated: bool = False  # bytes_before estimated (vertices x bytes per vertex), not encoded

    def summary(self) -> str:
        """One line for people."""
        simplified = f"coverage-simplified at {self.tolerance_m:g} m, " if self.tolerance_m else ""
        about = "about " if self.before_estimated else ""
        return (
            f"{self.n_areas} areas: {about}{self.bytes_before / MB:.1f} MB -> {self.bytes_after / MB:.1f} MB "
            f"({simplified}{self.precision} decimals; {self.vertices_before} -> {self.vertices_after} vertices; "
            f"budget {self.budget_bytes / MB:.0f} MB)"
        )


@dataclass(frozen=True)
class MapEstimate:
    """A cheap estimate of a map page's size, from the vertex count, before any simplification work.

    ``bytes_full`` is the page with every vertex; ``bytes_least`` a lower bound of the page however strongly
    the areas are simplified (each keeps at least :data:`LEAST_VERTICES` vertices and :data:`AREA_FLOOR` bytes
    of properties). When ``bytes_least`` is over the budget, one HTML file cannot hold the map: write tiles.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> est = estimate_map_size(dm.datasets.load_georgia().geometry)
    >>> est.n_areas, est.fits, est.bytes_least < est.bytes_full
    (159, True, True)
    """

    n_areas: int
    vertices: int
    bytes_per_vertex: float
    bytes_full: int
    bytes_least: int
    budget_bytes: int

    @property
    def fits(self) -> bool:
        """Whether the page can fit the budget at all (possibly after simplification)."""
        return self.bytes_least <= self.budget_bytes

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.n_areas} areas, {self.vertices} vertices: about {self.bytes_full / MB:.0f} MB as drawn, "
            f"at least {self.bytes_least / MB:.0f} MB however simplified (budget {self.budget_bytes / MB:.0f} MB)"
        )


def estimate_map_size(
    geometry: gpd.GeoSeries, *, precision: int = 5, overhead_bytes: int = 0, max_mb: float | None = None
) -> MapEstimate:
    r"""Estimate the page's size from the vertex count, without simplifying or encoding the whole map.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        The areas, with a CRS.
    precision : int
        Decimals the coordinates are written with.
    overhead_bytes : int
        What the page holds besides the areas (Leaflet itself, legends).
    max_mb : float, optional
        The budget; default :func:`default_budget_mb`.

    Notes
    -----
    With :math:`V` vertices over :math:`n` areas and :math:`b` bytes per vertex (measured by encoding a
    random sample of 500 areas, about 0.01 s):

    .. math:: S_{full} = o + V b + n f, \qquad S_{least} = o + n (4 b + f)

    :math:`o` the overhead and :math:`f` = 40 bytes the least an area's properties take.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> est = estimate_map_size(dm.datasets.load_georgia().geometry, max_mb=0.01)
    >>> est.fits
    False
    """
    n = len(geometry)
    budget = int((max_mb if max_mb is not None else default_budget_mb(n)) * MB)
    vertices = int(shapely.get_num_coordinates(geometry.to_numpy()).sum())
    rows = np.sort(np.random.default_rng(0).choice(n, size=min(n, SAMPLE), replace=False)) if n else []
    sample = geometry.iloc[rows]
    sample_vertices = int(shapely.get_num_coordinates(sample.to_numpy()).sum())
    per_vertex = _size(encode_areas(sample, precision)) / sample_vertices if sample_vertices else 0.0
    full = overhead_bytes + vertices * per_vertex + n * AREA_FLOOR
    least = overhead_bytes + n * (LEAST_VERTICES * per_vertex + AREA_FLOOR)
    return MapEstimate(n, vertices, per_vertex, int(full), int(least), budget)


def check_map_size(
    geometry: gpd.GeoSeries,
    *,
    precision: int = 5,
    overhead_bytes: int = 0,
    max_mb: float | None = None,
    oversize: str = "raise",
) -> MapEstimate:
    """Refuse (or warn about) a map that cannot fit one HTML file, from :func:`estimate_map_size` alone.

    Raises
    ------
    MapTooLargeError
        With ``oversize="raise"`` when even the most simplified page would be over the budget; the message
        says to write vector tiles with :func:`~deprivation_map.write_tiles` instead.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> check_map_size(dm.datasets.load_georgia().geometry).fits
    True
    """
    v.choose(oversize, OVERSIZE, what="oversize policy")
    est = estimate_map_size(geometry, precision=precision, overhead_bytes=overhead_bytes, max_mb=max_mb)
    if not est.fits and oversize == "raise":
        raise MapTooLargeError(
            f"One HTML map cannot hold these areas ({est.summary()}): browsers take minutes to open such a file, "
            "or fail. Write the map as vector tiles with a viewer page instead: dm.write_tiles(gdf, 'map_tiles', "
            "index=..., hotspots=...) (or [output] tiles in a configuration); or map fewer, larger areas "
            "(aggregate to a coarser level); or pass max_mb=... to allow a larger file."
        )
    return est


def _metric(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    return geometry.to_crs(geometry.estimate_utm_crs()) if geometry.crs.is_geographic else geometry


def simplify_coverage(geometry: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify areas that tile a region together, keeping shared borders shared (in the input CRS).

    The tolerance is in metres: geographic coordinates are projected to their UTM zone first.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> light = simplify_coverage(gdf.geometry, 2000)
    >>> bool(shapely.get_num_coordinates(light.values).sum() < shapely.get_num_coordinates(gdf.geometry.values).sum())
    True
    """
    metric = _metric(geometry)
    simplified = _coverage(metric).simplify(tolerance_m)
    return gpd.GeoSeries(simplified, index=geometry.index, crs=metric.crs).to_crs(geometry.crs)


def _size(texts: list[str]) -> int:
    return sum(map(len, texts))  # the encoded geometry is ASCII: characters are bytes


def fit_geometry(
    geometry: gpd.GeoSeries,
    *,
    overhead_bytes: int,
    max_mb: float | None = None,
    max_vertices: int = MAX_VERTICES,
    precision: int = 5,
    simplify: float | str | None = "auto",
    oversize: str = "raise",
) -> tuple[list[str], MapSize]:
    """Each area's geometry as compact text (:func:`~.encode.encode_areas`), simplified as needed to fit the budget.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
        The areas, with a CRS.
    overhead_bytes : int
        What the page holds besides the geometry (Leaflet, properties, tooltips), counted in the budget.
    max_mb : float, optional
        The budget for the whole page; default :func:`default_budget_mb`.
    max_vertices : int
        In auto mode, also simplify until at most this many vertices are left: the time a browser takes to
        draw the map grows with them (1.5 million: under 3 s in headless Chromium here at 35,000 areas).
    precision : int
        Decimals kept (5 is about 1 m; 4 about 10 m, used from a tolerance of 10 m on).
    simplify : "auto", float or None
        ``"auto"`` simplifies only when the page would exceed the budget (or ``max_vertices``); a number is a
        tolerance in metres applied always; None never simplifies.
    oversize : {"raise", "warn"}
        What to do when the page cannot fit: ``"raise"`` (default) refuses, ``"warn"`` writes it anyway.

    Notes
    -----
    Auto mode tries tolerances :math:`t_i = 2^{i/2} \\sqrt{\\tilde a}/100` (:math:`\\tilde a` the median area's
    size in m²) up to :math:`\\sqrt{\\tilde a}/6`, beyond which typical areas lose their shape; it starts from the
    smallest that shrinks a random sample of 2,000 areas enough, and grows by √2 until the page fits.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> texts, size = fit_geometry(dm.datasets.load_georgia().geometry, overhead_bytes=0, max_mb=0.06)
    >>> len(texts), size.bytes_after <= 60_000 < size.bytes_before
    (159, True)
    """
    v.choose(oversize, OVERSIZE, what="oversize policy")
    v.require_int(precision, what="precision", minimum=0)
    budget = int((max_mb if max_mb is not None else default_budget_mb(len(geometry))) * MB)
    est = estimate_map_size(geometry, precision=precision, overhead_bytes=overhead_bytes, max_mb=max_mb)
    n_before = est.vertices
    # encoding every vertex costs seconds at national scale: skip it when the estimate is well over the budget
    # and simplification will follow anyway
    guess = overhead_bytes + int(est.vertices * est.bytes_per_vertex)
    over = guess > 1.25 * budget or est.vertices > max_vertices
    estimated = simplify == "auto" and over and budget > overhead_bytes
    if estimated:
        texts, size_before = [], guess
    else:
        texts = encode_areas(geometry, precision)
        size_before = _size(texts) + overhead_bytes
    tolerance, digits = 0.0, precision
    if isinstance(simplify, int | float) and not isinstance(simplify, bool):
        tolerance = float(simplify)
    elif simplify not in ("auto", None):
        raise ValidationError(f"simplify must be 'auto', a tolerance in metres or None, got {simplify!r}.")
    n_after = n_before
    # (when the rest of the page alone is over budget no simplification can help: skip it, and say so below)
    too_many = n_before > max_vertices
    if tolerance or (simplify == "auto" and (size_before > budget or too_many) and budget > overhead_bytes):
        metric = _metric(geometry)
        typical = float(np.sqrt(np.median(metric.area))) or 1.0
        ratios = ((budget - overhead_bytes) / max(size_before - overhead_bytes, 1), max_vertices / n_before)
        tolerance = tolerance or _first_tolerance(metric, precision, ratios, typical / 100, typical / 6)
        coverage = _coverage(metric)  # its arcs found once for every tolerance tried
        while True:
            texts, digits, n_after = _simplified(coverage, metric.crs, tolerance, precision)
            fits = _size(texts) + overhead_bytes <= budget and n_after <= max_vertices
            if simplify != "auto" or fits or tolerance * STEP > typical / 6:
                break
            tolerance *= STEP
    size = MapSize(
        len(geometry),
        size_before,
        _size(texts) + overhead_bytes,
        n_before,
        n_after,
        tolerance,
        digits,
        budget,
        estimated,
    )
    if size.bytes_after > budget:
        _oversize(size, oversize)
    return texts, size


def _coverage(metric: gpd.GeoSeries) -> Coverage:
    """The areas as a :class:`._coverage.Coverage`, to simplify at several tolerances."""
    from ._coverage import Coverage  # numba's kernels load only when a map is simplified

    return Coverage(metric.to_numpy())


def _simplified(coverage: Coverage, crs: object, tolerance: float, precision: int) -> tuple[list[str], int, int]:
    """GeoJSON texts of the coverage simplified at ``tolerance`` metres, the decimals used, and the vertices left."""
    digits = min(precision, 4) if tolerance >= 10 else precision
    simplified = gpd.GeoSeries(coverage.simplify(tolerance), crs=crs)
    return encode_areas(simplified, digits), digits, int(shapely.get_num_coordinates(simplified.to_numpy()).sum())


def _first_tolerance(
    metric: gpd.GeoSeries, precision: int, ratios: tuple[float, float], start: float, stop: float
) -> float:
    """The smallest tolerance that shrinks a sample of the areas enough.

    The smallest of ``start * STEP**i`` (up to ``stop``) shrinking a sample of 2,000 areas to ``ratios`` of its
    size and of its vertices.

    Simplifying a sample is a cheap guess of the tolerance the whole map needs, so that the full
    simplification (seconds at national scale) usually runs once.
    """
    n = len(metric)
    sample = metric.iloc[np.sort(np.random.default_rng(0).choice(n, size=min(n, 2_000), replace=False))]
    base = _size(encode_areas(sample, precision))
    base_vertices = int(shapely.get_num_coordinates(sample.to_numpy()).sum())
    tolerance, coverage = start, _coverage(sample)
    while tolerance * STEP <= stop:
        texts, _, vertices = _simplified(coverage, sample.crs, tolerance, precision)
        if _size(texts) <= ratios[0] * base and vertices <= ratios[1] * base_vertices:
            break
        tolerance *= STEP
    return tolerance


def _oversize(size: MapSize, policy: str) -> None:
    message = (
        f"The map would be {size.bytes_after / MB:.0f} MB, over the {size.budget_bytes / MB:.0f} MB that one HTML "
        f"file serves well ({size.summary()}). Browsers take minutes to open such a file, or fail. Map fewer, larger "
        "areas instead: aggregate to a coarser level (e.g. gdf.dissolve(by='district') and an index built for it), "
        "or split the map by region; or pass max_mb=... / oversize='warn' to write it anyway."
    )
    v.raise_or_warn(message, policy, stacklevel=4)
