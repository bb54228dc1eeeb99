"""Coverage simplification: the library's arcs (maps/_coverage.py) against shapely's coverage_simplify (GEOS).

Run (one benchmark at a time on the shared machine):

    flock /tmp/bench.lock python benchmarks/bench_coverage.py [--sizes 10000 100000] [--vertices 40]

On bench_maps.py's synthetic census sections (a wiggly Voronoi tiling, about 47 vertices an area), at the
tolerances the map uses (:math:`\\sqrt{\\tilde a}/100`, ``/25`` and ``/6``, :math:`\\tilde a` the median area),
each simplification once in this process (numba's cache warmed first on a few areas). Columns: seconds of
CPU and of wall clock for each (the machine is shared: CPU time is the steadier), vertices left, the share
of areas whose simplified polygon equals GEOS's (``shapely.equals``) and the number that differ (a few, where
two areas' vertices differ in the last bit only: read as two vertices, their short borders are separate arcs, and
ours keeps the corner in both areas where GEOS removes it), and whether every output is valid.
``reused cpu``: the same tolerance on a ``Coverage`` whose arcs were found once before (its ``arcs cpu``), as a
map trying several tolerances does.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely

from deprivation_map.maps._coverage import Coverage, coverage_simplify


def _timed(func, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    out = func(*args)
    return out, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    from bench_maps import synthetic_areas

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--vertices", type=int, default=40)
    args = parser.parse_args()
    print(
        f"{'areas':>8} {'tol':>5} {'ours cpu':>9} {'wall':>6} {'GEOS cpu':>9} {'wall':>6} "
        f"{'vertices ours':>14} {'GEOS':>10} {'equal':>6} {'differ':>6} {'valid':>6} {'reused cpu':>11}"
    )
    for n in args.sizes:
        geoms = shapely.make_valid(synthetic_areas(n, args.vertices).geometry.to_numpy())  # as read with "fix"
        typical = float(np.sqrt(np.median(shapely.area(geoms))))
        coverage_simplify(geoms[:50], typical / 25)  # loads (or compiles) the numba kernels
        coverage, arcs_cpu, _ = _timed(Coverage, geoms)
        print(f"{n:>8} arcs cpu {arcs_cpu:.2f}")
        for divisor in (100, 25, 6):
            ours, cpu, wall = _timed(coverage_simplify, geoms, typical / divisor)
            geos, geos_cpu, geos_wall = _timed(shapely.coverage_simplify, geoms, typical / divisor)
            _, reused_cpu, _ = _timed(coverage.simplify, typical / divisor)
            print(
                f"{n:>8} {'/' + str(divisor):>5} {cpu:>9.2f} {wall:>6.2f} {geos_cpu:>9.2f} {geos_wall:>6.2f} "
                f"{shapely.get_num_coordinates(ours).sum():>14} {shapely.get_num_coordinates(geos).sum():>10} "
                f"{shapely.equals(ours, geos).mean():>6.1%} {int((~shapely.equals(ours, geos)).sum()):>6} {bool(shapely.is_valid(ours).all())!s:>6} {reused_cpu:>11.2f}"
            )


if __name__ == "__main__":
    main()
