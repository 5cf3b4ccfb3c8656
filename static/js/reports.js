// Charts for the participation report. The figures come from the page's JSON block
// (<script type="application/json" id="report-chart-data">); every chart has a table beside it
// with the same figures, so the page reads the same without this file.
"use strict";

(() => {
  const source = document.getElementById("report-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const kinds = {
    trend: { type: "line", options: { spanGaps: false } },
    matched: { type: "bar", options: { scales: { y: { min: 0, max: 100 } } } },
    outcomes: { type: "bar", options: { indexAxis: "y" } },
  };

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const name = canvas.dataset.chart;
    const kind = kinds[name];
    const series = data[name];
    if (!kind || !series) {
      return;
    }
    new window.Chart(canvas, {
      type: kind.type,
      data: {
        labels: series.labels,
        datasets: [{ label: canvas.dataset.label, data: series.values }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        ...kind.options,
      },
    });
  });
})();
