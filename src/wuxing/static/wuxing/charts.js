/* Draws the charts of a page from JSON blocks rendered by Django's json_script (no inline code, CSP-safe). */
(function () {
  "use strict";
  var PALETTE = ["#c8161d", "#e6702e", "#f2b134", "#5b8ff9", "#61ddaa", "#7262fd", "#78d3f8", "#9661bc"];
  // Category names on a narrow screen: wrapped every four characters, or turned when there are many.
  function categoryAxis(categories, width, name) {
    var narrow = width < 560;
    var crowded = categories.length * (narrow ? 56 : 80) > width;
    return { type: "category", data: categories, name: name || "", nameLocation: "middle",
             nameGap: crowded ? (narrow ? 62 : 52) : 34,
             axisLabel: { interval: 0, rotate: crowded ? (narrow ? 60 : 30) : 0, hideOverlap: false,
                          formatter: function (v) {
                            var s = String(v);
                            if (crowded || s.length <= 4) { return s; }
                            return s.match(/.{1,4}/g).join("\n");
                          } } };
  }
  function valueAxis(spec) {
    var axis = { type: "value", name: spec.y_name || "", nameLocation: "end", nameTextStyle: { align: "left" } };
    if (spec.percent) { axis.min = 0; axis.max = 100; axis.axisLabel = { formatter: "{value}%" }; }
    if (spec.integer) { axis.minInterval = 1; }
    return axis;
  }
  function generic(spec, el) {
    var stacked = spec.type === "stacked";
    var width = el ? el.clientWidth : 800;
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: spec.percent ? function (v) { return v == null ? "—" : v + "%"; } : undefined },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: 64, containLabel: true },
      xAxis: categoryAxis(spec.categories, width, spec.x_name),
      yAxis: valueAxis(spec),
      series: spec.series.map(function (s) {
        var series = { name: s.name, type: spec.type === "line" ? "line" : "bar", stack: stacked ? "total" : undefined,
                       data: s.data, connectNulls: true };
        if (s.neutral) { series.itemStyle = { color: "#9ca3af" }; }  // no star: neutral, not alarm red
        return series;
      })
    };
  }
  var builders = {
    "generic": function (data, el) { return generic(data[el.dataset.key], el); },
    "weekly-trend": function (data) {
      return {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 16, right: 24, top: 40, bottom: 64, containLabel: true },
        xAxis: { type: "category", data: data.weeks, name: data.x_name, nameLocation: "middle", nameGap: 34 },
        yAxis: { type: "value", min: 0, max: 100, name: data.y_name, axisLabel: { formatter: "{value}%" } },
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
