// The overview's chart and map, drawn from the JSON the server put in the page (no inline script runs).
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function drawTrend() {
    var data = readJson("trend-data");
    var canvas = document.getElementById("trend-chart");
    var names = document.getElementById("trend-labels");
    if (!data || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: names.dataset.received, data: data.received, backgroundColor: "#0b5cad" },
          { label: names.dataset.answered, data: data.answered, backgroundColor: "#1b7f3b" }
        ]
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function drawMap() {
    var element = document.getElementById("map");
    var points = readJson("map-data");
    if (!element || !points || typeof L === "undefined") return;
    var map = L.map(element, { scrollWheelZoom: false }).setView([13.5, 101.0], 5);
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], { radius: 5, color: "#b3261e", weight: 1, fillOpacity: 0.6 });
      var link = document.createElement("a");
      link.href = "/desk/complaints/" + point.id;
      link.textContent = point.ticket;
      marker.bindPopup(link).addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 12, padding: [20, 20] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawTrend();
    drawMap();
  });
})();
