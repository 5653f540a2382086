// The dashboard's charts (ECharts, vendored). The numbers come from the <script type="application/json">
// block the page renders from the stored figures: no inline script under the Content-Security-Policy.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var palette = ["#dc3545", "#198754", "#ffc107", "#6c757d", "#0d6efd", "#6f42c1", "#20c997", "#fd7e14"];
  var charts = [];

  function draw(name, option) {
    var box = document.querySelector('[data-chart="' + name + '"]');
    if (!box) { return; }
    var chart = echarts.init(box, null, { renderer: "svg" });
    option.color = option.color || palette;
    option.textStyle = { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" };
    chart.setOption(option);
    charts.push(chart);
  }

  function bars(name, series, horizontal) {
    if (!series || !series.labels || !series.labels.length) { return; }
    var category = { type: "category", data: series.labels, axisLabel: { interval: 0, fontSize: 11 } };
    var value = { type: "value", minInterval: 1 };
    draw(name, {
      grid: { left: horizontal ? 90 : 40, right: 16, top: 16, bottom: horizontal ? 24 : 48 },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : Object.assign(category, { axisLabel: { interval: 0, rotate: narrow ? 40 : 0, fontSize: 11 } }),
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: series.values, name: "户", label: { show: true, position: horizontal ? "right" : "top" } }]
    });
  }

  var exits = data.exits;
  if (exits && exits.labels.length) {
    draw("exits", {
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: exits.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "当年脱贫（人）", data: exits.persons, itemStyle: { color: "#198754" } },
        { type: "line", name: "累计（人）", data: exits.cumulative, itemStyle: { color: "#0d6efd" },
          markLine: { symbol: "none", data: [{ yAxis: exits.target, name: "规划目标" }],
                      label: { formatter: "规划目标 {c} 人", position: "insideEndTop" }, lineStyle: { color: "#dc3545", type: "dashed" } } }
      ]
    });
  }
  bars("gaps", data.gaps, true);
  bars("bands", data.bands, false);
  bars("causes", data.causes, true);
  var children = data.children;
  if (children && children.labels.length) {
    draw("children", {
      grid: { left: 40, right: 16, top: 36, bottom: narrow ? 64 : 40 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: children.labels, axisLabel: { interval: 0, rotate: narrow || children.labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: children.series.map(function (s) { return { type: "bar", stack: "h", name: s.name, data: s.values }; })
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
