"""Maps: layers, legends with counts, no-data never coloured as a class, tooltips, escaping, offline saving.

The page is read back the way the browser reads it: the shared GeoJSON, each layer's colour list, and the
tooltip rows and vocabulary, which :func:`_tooltips` joins exactly as the page's JavaScript does."""

from __future__ import annotations

import json
import re

import mapclassify
import numpy as np
import pytest

import deprivation_map as dm
from deprivation_map.maps.classify import quantile_bins, user_defined_bins


def _payload(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="area_data_\w+_json">(.*?)</script>', html, re.S).group(1)
    )


def _data(html: str) -> tuple[list[dict], list[str], list[str]]:
    features = [{"properties": p} for p, _polygons in _payload(html)["f"]]
    rows, vocab = re.search(r"\}\)\((\[.*?\]), (\[.*?\])\);\n", html[html.index("_tip = (function") :], re.S).groups()
    return features, json.loads(rows), json.loads(vocab)


def _by_id(html: str, ids) -> dict[str, dict]:
    return dict(zip(ids, (f["properties"] for f in _data(html)[0]), strict=True))


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_quantile_bins_equal_mapclassify():
    rng = np.random.default_rng(0)
    for k in (3, 5, 9):
        for y in (rng.normal(size=101), np.round(rng.normal(size=57), 1), np.repeat([1.0, 2.0, 3.0], 10)):
            with pytest.warns(UserWarning) if len(np.unique(y)) < k else _nothing():
                ref = mapclassify.Quantiles(y, k=k)
            np.testing.assert_allclose(quantile_bins(y, k), ref.bins)
            assert (np.searchsorted(quantile_bins(y, k), y, side="left") == ref.yb).all()


def test_user_defined_bins_equal_mapclassify():
    y = np.random.default_rng(1).normal(size=80)
    for bins in ([-1.0, 0.0, 1.0], [-0.5, 0.5, 10.0]):
        ref = mapclassify.UserDefined(y, bins)
        np.testing.assert_allclose(user_defined_bins(y, 0, bins), ref.bins)
    with pytest.raises(dm.errors.ValidationError, match="increasing"):
        user_defined_bins(y, 0, [1.0, 0.0])
    with pytest.raises(dm.errors.ValidationError, match="bins="):
        user_defined_bins(y, 0, None)


@pytest.mark.parametrize(
    ("scheme", "name"), [("fisher_jenks", "FisherJenks"), ("equal_interval", "EqualInterval"), ("std_mean", "StdMean")]
)
def test_other_schemes_match_mapclassify(georgia, scheme, name):
    index = dm.build_index(georgia, {"PctPov": 1})
    html = dm.explore(georgia, index=index, scheme=scheme, k=4).get_root().render()
    ref = getattr(mapclassify, name)(index.score.to_numpy(), **({} if scheme == "std_mean" else {"k": 4}))
    assert [p["ci"] for p in _by_id(html, georgia.index).values()] == ref.yb.tolist()
