"""Reading from and writing to PostgreSQL/PostGIS at several sizes, beside the same data read from a GeoPackage.

Needs a server with PostGIS (``bash .ci/postgres`` as root on Debian starts one and prints its URL):

    export DEPRIVATION_MAP_TEST_POSTGRES="$(bash .ci/postgres)"
    flock /tmp/bench.lock python benchmarks/bench_database.py [--sizes 1000 10000 100000]

For each size, a grid of square areas with 10-digit codes starting with a zero and 5 indicators is loaded
into a schema of its own (with geopandas itself, not timed) and written to a GeoPackage; then a fresh process
times ``read_boundaries`` of the GeoPackage, ``read_boundaries_sql`` and ``read_indicators_sql`` of the tables,
and ``write_results_sql`` of the joined frame with its metadata record, and prints seconds per step and the
process's peak resident memory. The schema is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import numpy as np

DEFAULT = "postgresql://deprivation_map:dm-test-pw-4e7c@127.0.0.1:5432/deprivation_map_test"
CHILD = """
import json, resource, sys, time
import deprivation_map as dm
from deprivation_map.io.writers import build_metadata
url, gpkg = sys.argv[1], sys.argv[2]
times, out = {}, {}
def step(name, func):
    start = time.perf_counter()
    out[name] = func()
    times[name] = time.perf_counter() - start
step("read_boundaries (gpkg)", lambda: dm.read_boundaries(gpkg, id_col="code"))
step("read_boundaries_sql", lambda: dm.read_boundaries_sql(url, table="areas", id_col="code"))
step("read_indicators_sql", lambda: dm.read_indicators_sql(url, table="indicators", id_col="code"))
assert out["read_boundaries_sql"].index.equals(out["read_boundaries (gpkg)"].index)
joined = dm.join_indicators(out["read_boundaries_sql"], out["read_indicators_sql"])
step("write_results_sql", lambda: dm.write_results_sql(joined, url, table="results", metadata=build_metadata()))
times["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(times))
"""


def engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"), poolclass=sa.pool.NullPool)


def load(url: str, schema: str, folder: Path, n: int) -> None:
    """The grid and its indicators in ``schema`` (and the grid in ``folder/areas.gpkg``)."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x, y = (i % side) * 100.0, (i // side) * 100.0
    codes = np.char.zfill((800000001 + i).astype(str), 10)
    areas = gpd.GeoDataFrame({"code": codes}, geometry=shapely.box(x, y, x + 100, y + 100), crs="EPSG:25831")
    areas.to_file(folder / "areas.gpkg", engine="pyogrio")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"code": codes, **{f"rate_{k}": rng.uniform(0, 100, n).round(2) for k in range(4)}})
    table["population"] = rng.integers(500, 2_000_000, n)
    db = engine(url)
    areas.rename_geometry("geom").to_postgis("areas", db, schema=schema, index=False)
    table.to_sql("indicators", db, schema=schema, index=False)
    db.dispose()


def run(url: str, n: int) -> dict:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    db = engine(url)
    with db.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            load(url, schema, Path(folder), n)
            scoped = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema},public', safe='')}"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, scoped, str(Path(folder) / "areas.gpkg")],
                check=True,
                capture_output=True,
                text=True,
            )
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        with db.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    url = os.environ.get("DEPRIVATION_MAP_TEST_POSTGRES", DEFAULT)
    rows = {n: run(url, n) for n in args.sizes}
    steps = list(next(iter(rows.values())))
    print(f"{'step':<24}" + "".join(f"{n:>12,}" for n in rows))
    for name in steps:
        unit = "" if name == "peak_rss_mib" else " s"
        print(f"{name + unit:<24}" + "".join(f"{rows[n][name]:>12.2f}" for n in rows))


if __name__ == "__main__":
    main()
