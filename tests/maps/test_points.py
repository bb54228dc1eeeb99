"""Points by category on an interactive map: a layer and a colour per category, escaped names, one legend."""

from __future__ import annotations

import re

import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.maps.palettes import QUALITATIVE
from deprivation_map.maps.points import SITE_COLOUR, add_points


@pytest.fixture(scope="module")
def georgia():
    return dm.datasets.load_georgia()


def test_one_layer_per_category_in_its_colour_listed_by_the_layer_control(georgia):
    points = georgia.representative_point().to_frame("geometry")
    points["kind"] = ["b", "a", None] * 53
    points["name"] = "</script><script>alert(1)</script>"
    m = dm.explore(georgia)
    assert add_points(m, points, title="Clinics", lang="es", name_col="name", category_col="kind") == ["a", "b", "–"]
    page = m.get_root().render()
    assert "</script><script>alert(1)" not in page  # names are escaped in the points' JSON
    for kind, colour in zip(["a", "b", "\\u2013"], QUALITATIVE[8], strict=False):  # "–" as a script writes it
        assert f"Clinics: {kind}" in page and colour in page
    assert page.count("dm-point") >= 3 and "Clinics (53)" not in page
    assert "a (53)" in page and "\\u2013 (53)" in page  # one legend, a row per category with its count
    control = page.index("L.control.layers")
    assert all(m.start() < control for m in re.finditer(r"var point_layer_\w+ = L\.geoJSON", page))


def test_sites_are_drawn_apart_and_too_many_categories_are_refused(georgia):
    points = georgia.representative_point().to_frame("geometry").iloc[:13]
    m = dm.explore(georgia)
    assert add_points(m, points, title="Sites", lang="en", sites=True) == [""]
    assert SITE_COLOUR in m.get_root().render()
    points["kind"] = [str(i) for i in range(13)]
    with pytest.raises(ValidationError, match="13 categories"):
        add_points(dm.explore(georgia), points, title="Sites", lang="en", category_col="kind")
