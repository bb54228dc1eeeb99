"""The search box: a JSON index of the areas shipped as a script, and the plain JavaScript that searches it.

The index is loaded with a ``<script>`` element, not fetched, so it works from ``file://`` (browsers refuse
``fetch`` of local files); its text is JSON with ``<`` escaped, and results are written with ``textContent``
only, so no name from the data is ever parsed as HTML.
"""

from __future__ import annotations

import pandas as pd

from ._html import script_json

__all__ = ["SEARCH_JS", "search_index"]

FIELDS = ("id", "name", "page", "rank", "score", "decile")


def search_index(areas: pd.DataFrame, pages: pd.Series | None) -> str:
    """``window.DM_AREAS = {...}``: per area its ID, name, district page, rank, score and decile.

    ``areas`` is indexed by area ID with ``name``, ``rank``, ``score`` and ``decile`` columns (missing values
    are null); ``pages`` is each area's district page (relative to a language's folder), or None.
    """

    def cell(value):
        return None if pd.isna(value) else value

    rows = [
        [
            str(area),
            cell(r["name"]),
            None if pages is None else cell(pages.get(area)),
            None if pd.isna(r["rank"]) else int(r["rank"]),
            None if pd.isna(r["score"]) else round(float(r["score"]), 4),
            None if pd.isna(r["decile"]) else int(r["decile"]),
        ]
        for area, r in areas.iterrows()
    ]
    return f"window.DM_AREAS = {script_json({'fields': FIELDS, 'areas': rows})};\n"


SEARCH_JS = r"""(function () {
  "use strict";
  var body = document.body, box = document.getElementById("dm-search");
  var list = document.getElementById("dm-results"), status = document.getElementById("dm-status");
  if (!box || !window.DM_AREAS) return;
  var strings = JSON.parse(body.getAttribute("data-strings") || "{}");
  var lang = document.documentElement.lang, base = body.getAttribute("data-lang-root") || "";
  var areas = window.DM_AREAS.areas, LIMIT = 20;
  function fold(s) { return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var keys = areas.map(function (a) { return fold(a[0]) + "\u0001" + fold(a[1]); });
  function fmt(x, digits) {
    return x === null ? "–" : Number(x).toLocaleString(lang, {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  function show(q) {
    list.textContent = "";
    status.textContent = "";
    q = fold(q.trim());
    if (!q) return;
    var found = 0;
    for (var i = 0; i < areas.length; i++) {
      if (keys[i].indexOf(q) < 0) continue;
      found++;
      if (found > LIMIT) continue;
      var a = areas[i], li = document.createElement("li");
      var label = a[0] + (a[1] ? " · " + a[1] : "") + " — " + (a[4] === null ? strings.nodata :
        strings.rank + " " + fmt(a[3], 0) + " · " + strings.score + " " + fmt(a[4], 2));
      if (a[2]) {
        var link = document.createElement("a");
        link.href = base + a[2] + "#area-" + encodeURIComponent(a[0]);
        link.textContent = label;
        li.appendChild(link);
      } else {
        li.textContent = label;
      }
      list.appendChild(li);
    }
    if (!found) status.textContent = strings.none || "";
    else if (found > LIMIT) status.textContent = (strings.more || "").replace("{n}", String(found - LIMIT));
  }
  box.addEventListener("input", function () { show(box.value); });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { box.value = ""; show(""); }
    if (e.key === "Enter") { var first = list.querySelector("a"); if (first) first.click(); }
  });
})();
"""
