// Drawing a restriction zone on the roadside map (registry/templates/zones/edit.html): each click on the
// map adds a corner; the corners go to the "longitude,latitude; ..." field the server reads. The map's
// projection comes with it (registry.roadmap.drawing): x = W/2 + (lon - lon0) * east * scale, and
// y = H/2 - (lat - lat0) * 111.32 * scale. No map tiles, no other script.
(function () {
  "use strict";
  var KM_PER_DEGREE = 111.32;
  function ready(run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }
  ready(function () {
    var svg = document.getElementById("zone-canvas");
    var field = document.getElementById("zone-polygon");
    var shape = document.getElementById("zone-shape");
    if (!svg || !field || !shape) return;
    var lon0 = parseFloat(svg.dataset.lon), lat0 = parseFloat(svg.dataset.lat);
    var scale = parseFloat(svg.dataset.scale), east = parseFloat(svg.dataset.east);
    var width = parseFloat(svg.dataset.width), height = parseFloat(svg.dataset.height);
    var count = document.getElementById("zone-count");

    function corners() {
      return field.value.split(/[;；\n]/).map(function (part) {
        var pair = part.replace("，", ",").split(",");
        return pair.length === 2 ? [parseFloat(pair[0]), parseFloat(pair[1])] : null;
      }).filter(function (c) { return c && !isNaN(c[0]) && !isNaN(c[1]); });
    }
    function toXY(c) {
      return [width / 2 + (c[0] - lon0) * east * scale, height / 2 - (c[1] - lat0) * KM_PER_DEGREE * scale];
    }
    function redraw() {
      var list = corners();
      shape.setAttribute("points", list.map(function (c) { var p = toXY(c); return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "));
      if (count) count.textContent = list.length ? list.length + (document.documentElement.lang === "en" ? " corners" : " 个顶点") : "";
    }
    function write(list) {
      field.value = list.map(function (c) { return c[0].toFixed(6) + "," + c[1].toFixed(6); }).join("; ");
      redraw();
    }
    svg.addEventListener("click", function (event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      var local = point.matrixTransform(svg.getScreenCTM().inverse());
      var lon = lon0 + (local.x - width / 2) / (east * scale);
      var lat = lat0 - (local.y - height / 2) / (KM_PER_DEGREE * scale);
      var list = corners();
      list.push([lon, lat]);
      write(list);
    });
    document.getElementById("zone-undo").addEventListener("click", function () { var l = corners(); l.pop(); write(l); });
    document.getElementById("zone-clear").addEventListener("click", function () { write([]); });
    field.addEventListener("input", redraw);
    redraw();
  });
})();
