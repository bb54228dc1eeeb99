/* deprivation_map tile viewer: Mapbox Vector Tiles (MVT) loaded as script files (so the page works from a
   folder opened with file://, where fetch() is refused), decoded here and drawn on Leaflet canvas tiles.
   MVT spec 2.1: a tile has layers (3); a layer name (1), features (2), keys (3), values (4), extent (5);
   a feature id (1), tags (2), type (3), geometry (4) as MoveTo/LineTo/ClosePath commands, zigzag deltas. */
(function () {
  "use strict";
  function Reader(bytes) { this.b = bytes; this.p = 0; }
  Reader.prototype.varint = function () {
    var r = 0, s = 1, c;
    do { c = this.b[this.p++]; r += (c & 127) * s; s *= 128; } while (c & 128);
    return r;
  };
  Reader.prototype.sub = function () { var n = this.varint(), r = new Reader(this.b.subarray(this.p, this.p + n)); this.p += n; return r; };
  Reader.prototype.skip = function (wire) {
    if (wire === 0) this.varint(); else if (wire === 1) this.p += 8; else if (wire === 2) this.p += this.varint(); else if (wire === 5) this.p += 4;
  };
  Reader.prototype.string = function () { var r = this.sub(); return new TextDecoder().decode(r.b); };
  Reader.prototype.packed = function () { var r = this.sub(), out = []; while (r.p < r.b.length) out.push(r.varint()); return out; };
  function zigzag(n) { return (n % 2) ? -(n + 1) / 2 : n / 2; }
  function value(r) {
    var v = null;
    while (r.p < r.b.length) {
      var key = r.varint(), f = key >> 3, w = key & 7;
      if (f === 1) v = r.string();
      else if (f === 2) { v = new DataView(r.b.buffer, r.b.byteOffset + r.p, 4).getFloat32(0, true); r.p += 4; }
      else if (f === 3) { v = new DataView(r.b.buffer, r.b.byteOffset + r.p, 8).getFloat64(0, true); r.p += 8; }
      else if (f === 4 || f === 5) v = r.varint();
      else if (f === 6) v = zigzag(r.varint());
      else if (f === 7) v = !!r.varint();
      else r.skip(w);
    }
    return v;
  }
  function rings(cmds) {
    var out = [], ring = null, x = 0, y = 0, i = 0;
    while (i < cmds.length) {
      var c = cmds[i] & 7, n = cmds[i] >> 3; i++;
      if (c === 7) { if (ring) out.push(ring); ring = null; continue; }
      for (var k = 0; k < n; k++) {
        x += zigzag(cmds[i++]); y += zigzag(cmds[i++]);
        if (c === 1) { if (ring) out.push(ring); ring = [x, y]; } else ring.push(x, y);
      }
    }
    if (ring) out.push(ring);
    return out;
  }
  function decode(bytes) {
    var t = new Reader(bytes), features = [], extent = 4096;
    while (t.p < t.b.length) {
      var key = t.varint();
      if ((key >> 3) !== 3) { t.skip(key & 7); continue; }
      var l = t.sub(), keys = [], values = [], raw = [];
      while (l.p < l.b.length) {
        var k2 = l.varint(), f = k2 >> 3;
        if (f === 2) raw.push(l.sub());
        else if (f === 3) keys.push(l.string());
        else if (f === 4) values.push(value(l.sub()));
        else if (f === 5) extent = l.varint();
        else l.skip(k2 & 7);
      }
      raw.forEach(function (fr) {
        var props = {}, geom = [];
        while (fr.p < fr.b.length) {
          var k3 = fr.varint(), g = k3 >> 3;
          if (g === 2) { var tags = fr.packed(); for (var j = 0; j < tags.length; j += 2) props[keys[tags[j]]] = values[tags[j + 1]]; }
          else if (g === 4) geom = rings(fr.packed());
          else fr.skip(k3 & 7);
        }
        features.push({ p: props, r: geom });
      });
    }
    return { features: features, extent: extent };
  }
  function b64(text) { var s = atob(text), out = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }

  var meta = window.DM_TILES, have = {}, cache = {}, waiting = {};
  meta.tiles.forEach(function (k) { have[k] = true; });
  window.dmTile = function (key, text) {
    cache[key] = decode(b64(text));
    (waiting[key] || []).forEach(function (f) { f(cache[key]); });
    delete waiting[key];
  };
  function load(key, done) {
    // answered asynchronously, always: Leaflet marks a tile ready only after createTile has returned it
    if (!have[key]) return setTimeout(function () { done({ features: [], extent: 4096 }); }, 0);
    if (cache[key]) return setTimeout(function () { done(cache[key]); }, 0);
    if (waiting[key]) return waiting[key].push(done);
    waiting[key] = [done];
    var s = document.createElement("script");
    s.src = "tiles/" + key + ".js";
    document.head.appendChild(s);
  }
  function esc(v) { return String(v).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  var AreaTiles = L.GridLayer.extend({
    createTile: function (coords, done) {
      var tile = document.createElement("canvas"), size = this.getTileSize(), layer = this.options.layer;
      tile.width = size.x; tile.height = size.y;
      load(coords.z + "/" + coords.x + "/" + coords.y, function (data) {
        var ctx = tile.getContext("2d"), s = size.x / data.extent;
        ctx.lineWidth = 0.4; ctx.strokeStyle = "#555";
        data.features.forEach(function (f) {
          var code = f.p[layer.key];
          ctx.beginPath();
          f.r.forEach(function (r) { ctx.moveTo(r[0] * s, r[1] * s); for (var i = 2; i < r.length; i += 2) ctx.lineTo(r[i] * s, r[i + 1] * s); ctx.closePath(); });
          ctx.fillStyle = (code === undefined || code === null || code < 0) ? "#ffffff" : layer.colours[code];
          ctx.globalAlpha = 0.8; ctx.fill("evenodd"); ctx.globalAlpha = 1; ctx.stroke();
        });
        window.dmDrawn = (window.dmDrawn || 0) + 1;
        done(null, tile);
      });
      return tile;
    }
  });
  function inside(r, x, y) {
    var c = false;
    for (var i = 0, j = r.length - 2; i < r.length; j = i, i += 2)
      if ((r[i + 1] > y) !== (r[j + 1] > y) && x < (r[j] - r[i]) * (y - r[i + 1]) / (r[j + 1] - r[i + 1]) + r[i]) c = !c;
    return c;
  }
  function featureAt(map, latlng) {
    var z = Math.min(Math.round(map.getZoom()), meta.maxzoom), p = map.project(latlng, z);
    var tx = Math.floor(p.x / 256), ty = Math.floor(p.y / 256), data = cache[z + "/" + tx + "/" + ty];
    if (!data) return null;
    var x = (p.x / 256 - tx) * data.extent, y = (p.y / 256 - ty) * data.extent;
    for (var i = 0; i < data.features.length; i++) {
      var f = data.features[i], c = false;
      f.r.forEach(function (r) { if (inside(r, x, y)) c = !c; });
      if (c) return f;
    }
    return null;
  }
  function tooltip(f) {
    var p = f.p, t = meta.text, rows = ["<b>" + esc(p.name !== undefined ? p.name : p.id) + "</b> (" + esc(p.id) + ")"];
    if (p.score !== undefined) rows.push(t.score + ": " + esc(Number(p.score).toFixed(3)));
    if (p.decile !== undefined) rows.push(t.decile + ": " + esc(p.decile));
    if (p.cluster !== undefined) rows.push(t.cluster + ": " + esc(p.cluster) + (p.p !== undefined ? " (p = " + esc(Number(p.p).toFixed(3)) + ")" : ""));
    return rows.join("<br>");
  }

  var map = L.map("map", { preferCanvas: true, minZoom: meta.minzoom });
  map.fitBounds([[meta.bounds[1], meta.bounds[0]], [meta.bounds[3], meta.bounds[2]]]);
  var bases = {}, legends = {}, first = null;
  meta.layers.forEach(function (layer) {
    var grid = new AreaTiles({ layer: layer, maxNativeZoom: meta.maxzoom, minZoom: meta.minzoom });
    bases[layer.title] = grid; legends[layer.title] = layer.legend;
    if (!first) first = grid;
  });
  first.on("load", function () { window.dmLoaded = performance.now(); });
  first.addTo(map);
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () { this._div = L.DomUtil.create("div", "dm-legend"); return this._div; };
  legend.addTo(map);
  function showLegend(title) { legend._div.innerHTML = legends[title]; }
  showLegend(meta.layers[0].title);
  map.on("baselayerchange", function (e) { showLegend(e.name); });
  if (meta.layers.length > 1) L.control.layers(bases, {}, { collapsed: false }).addTo(map);
  L.control.scale().addTo(map);
  var tip = L.tooltip({ sticky: true });
  map.on("mousemove", function (e) {
    var f = featureAt(map, e.latlng);
    if (f) { tip.setLatLng(e.latlng).setContent(tooltip(f)); if (!map.hasLayer(tip)) tip.addTo(map); }
    else if (map.hasLayer(tip)) map.removeLayer(tip);
  });
  window.dmMap = map;
})();
