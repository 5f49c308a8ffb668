/* Announced communes over time, drawn with the vendored Chart.js (no CDN). */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("qms-progress-chart");
    var source = document.getElementById("qms-progress-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var datasets = [{
      label: data.label,
      data: data.cumulative,
      borderColor: "#15803d",
      backgroundColor: "rgba(21, 128, 61, 0.15)",
      fill: true,
      stepped: true,
      pointRadius: 3
    }];
    if (data.target) {
      datasets.push({
        label: data.target_label,
        data: data.labels.map(function () { return data.target; }),
        borderColor: "#b91c1c",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false
      });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, suggestedMax: data.total, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
