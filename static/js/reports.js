// Charts for the reports. The figures come from the page's JSON block
// (<script type="application/json" id="report-chart-data">); every chart has a table beside it
// with the same figures, so the page reads the same without this file.
//
// Truthful by construction: every value axis starts at zero; a value hidden by suppression is
// a gap (null), never joined across or drawn as zero, and the gap carries the table's words
// ("fewer than 5") drawn where the bar would be. The server leaves out the canvas of a chart
// with nothing to draw (reports.charts.Chart.empty).
"use strict";

(() => {
  const source = document.getElementById("report-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const fromZero = { beginAtZero: true, min: 0, ticks: { precision: 0 } };
  const kinds = {
    trend: { type: "bar", options: { scales: { y: fromZero } } },
    matched: { type: "bar", options: { scales: { y: { ...fromZero, max: 100 } } } },
    outcomes: { type: "bar", options: { indexAxis: "y", scales: { x: fromZero } } },
    funnel: { type: "bar", options: { indexAxis: "y", scales: { x: fromZero } } },
    pulse: { type: "bar", options: { scales: { y: { ...fromZero, max: 5 } } } },
    retention: {
      type: "bar",
      options: { indexAxis: "y", scales: { x: { ...fromZero, max: 100 } } },
    },
  };

  // Writes each gap's note ("fewer than 5") at the foot of its empty slot.
  const gapLabels = {
    id: "gapLabels",
    afterDatasetsDraw(chart) {
      const notes = chart.config.options.gapNotes || [];
      const horizontal = chart.config.options.indexAxis === "y";
      const categories = horizontal ? chart.scales.y : chart.scales.x;
      const values = horizontal ? chart.scales.x : chart.scales.y;
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = "#495057";
      ctx.font = "12px system-ui, sans-serif";
      notes.forEach((note, index) => {
        if (!note) {
          return;
        }
        const at = categories.getPixelForValue(index);
        const zero = values.getPixelForValue(0);
        if (horizontal) {
          ctx.textAlign = "left";
          ctx.textBaseline = "middle";
          ctx.fillText(note, zero + 4, at);
        } else {
          ctx.textAlign = "center";
          ctx.textBaseline = "bottom";
          ctx.fillText(note, at, zero - 4);
        }
      });
      ctx.restore();
    },
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
        datasets: [{ label: canvas.dataset.label, data: series.values, backgroundColor: "#2f6fb0" }],
      },
      plugins: [gapLabels],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: false,
        gapNotes: series.notes,
        plugins: { legend: { display: false } },
        ...kind.options,
      },
    });
  });
})();
