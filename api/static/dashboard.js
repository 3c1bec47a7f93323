// The question box's chart: drawn with the vendored Chart.js from the answer's table, as the
// answer's chart spec says (a bar or a line; x the first column, one series per value of the
// spec's series column). The table below stays the accessible form of the same data.
(function () {
  "use strict";
  var data = document.getElementById("answer-data");
  var canvas = document.getElementById("answer-chart");
  if (!data || !canvas || !window.Chart) { return; }
  var answer = JSON.parse(data.textContent);
  var spec = answer.chart, columns = answer.columns;
  var x = columns.indexOf(spec.x), y = columns.indexOf(spec.y);
  var series = spec.series ? columns.indexOf(spec.series) : -1;
  if (x < 0 || y < 0) { return; }
  var labels = [], groups = {};
  answer.rows.forEach(function (row) {
    var label = String(row[x]);
    if (labels.indexOf(label) < 0) { labels.push(label); }
    var name = series >= 0 ? String(row[series]) : spec.y;
    (groups[name] = groups[name] || {})[label] = row[y];
  });
  var palette = ["#3b5bdb", "#f08c00", "#2f9e44", "#c2255c", "#7048e8", "#1098ad"];
  var datasets = Object.keys(groups).map(function (name, i) {
    return {
      label: name.replace(/_/g, " "),
      data: labels.map(function (l) { return groups[name][l] === undefined ? null : groups[name][l]; }),
      backgroundColor: palette[i % palette.length],
      borderColor: palette[i % palette.length],
      spanGaps: true
    };
  });
  new window.Chart(canvas, {
    type: spec.kind === "line" ? "line" : "bar",
    data: { labels: labels, datasets: datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               plugins: { legend: { display: datasets.length > 1 } } }
  });
})();
