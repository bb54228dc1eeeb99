"""Compact geometry for the page: integer steps that the page sums back to the coordinates on the grid."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from deprivation_map.maps.encode import encode_areas


def test_steps_sum_back_to_the_rounded_coordinates_of_every_ring(georgia):
    hole = shapely.Polygon(shapely.box(-10, -10, 10, 10).exterior, [shapely.box(-1, -1, 1, 1).exterior])
    multi = shapely.MultiPolygon([shapely.box(-3.5, 40, -3.4, 40.1), hole])
    geoms = gpd.GeoSeries([*georgia.geometry.to_crs(4326).iloc[:20], multi, None, shapely.Polygon()], crs=4326)
    texts = encode_areas(geoms, 4)
    assert len(texts) == len(geoms) and texts[-2:] == ["[]", "[[]]"]
    for text, geom in zip(texts[:-2], geoms.iloc[:-2], strict=True):
        polygons = json.loads(text)
        parts = shapely.get_parts(geom)
        assert len(polygons) == len(parts)
        for rings, part in zip(polygons, parts, strict=True):
            for steps, ring in zip(rings, shapely.get_rings(part), strict=True):
                expected = np.round(shapely.get_coordinates(ring)[:-1] * 1e4).astype(np.int64)  # no closing vertex
                assert np.array_equal(np.cumsum(np.reshape(steps, (-1, 2)), axis=0), expected)
