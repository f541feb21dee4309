// The province page's map: OpenStreetMap tiles and one circle per consented complaint (already rounded to ~100 m).
(function () {
  var box = document.getElementById("map");
  if (!box || !window.L) return;
  var points = JSON.parse(document.getElementById("points").textContent);
  var map = L.map(box).setView([+box.dataset.lat, +box.dataset.lng], 9);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 17,
    attribution: "&copy; OpenStreetMap contributors",
  }).addTo(map);
  var open = ["received", "accepted", "in_progress", "forwarded"];
  var shown = [];
  points.forEach(function (p) {
    var colour = open.indexOf(p.st) >= 0 ? "#c0392b" : "#1e8449";
    var marker = L.circleMarker([p.lat, p.lng], { radius: 7, color: colour, fillOpacity: 0.7 }).addTo(map);
    var link = document.createElement("a");
    link.href = "/p/t/" + encodeURIComponent(p.t);
    link.textContent = p.t + " · " + p.s;
    marker.bindPopup(link);
    shown.push([p.lat, p.lng]);
  });
  if (shown.length) map.fitBounds(shown, { maxZoom: 13, padding: [20, 20] });
  box.dataset.points = String(shown.length);
})();
