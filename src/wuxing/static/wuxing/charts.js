/* Draws the charts of a page from JSON blocks rendered by Django's json_script (no inline code, CSP-safe). */
(function () {
  "use strict";
  var PALETTE = ["#c8161d", "#e6702e", "#f2b134", "#5b8ff9", "#61ddaa", "#7262fd", "#78d3f8", "#9661bc"];
  function generic(spec) {
    var stacked = spec.type === "stacked";
    return {
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0,
        rotate: spec.categories.length > 6 || spec.categories.some(function (c) { return String(c).length > 6; }) ? 30 : 0 } },
      yAxis: { type: "value" },
      series: spec.series.map(function (s) {
        var series = { name: s.name, type: spec.type === "line" ? "line" : "bar", stack: stacked ? "total" : undefined,
                       data: s.data, connectNulls: true };
        if (s.name === "0星") { series.itemStyle = { color: "#9ca3af" }; }  // no star: neutral, not alarm red
        return series;
      })
    };
  }
  var builders = {
    "generic": function (data, el) { return generic(data[el.dataset.key]); },
    "weekly-trend": function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 40, right: 16, top: 16, bottom: 48 },
        xAxis: { type: "category", data: data.weeks },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.on_time, connectNulls: true }; })
      };
    }
  };
  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var build = builders[el.dataset.chart];
      if (!source || !build) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(JSON.parse(source.textContent), el));
      el.dataset.drawn = "true";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
