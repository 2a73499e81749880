// A KPI's yearly values, its targets and the projected values, in one line chart.
(function () {
  const node = document.getElementById("kpi-chart");
  const source = document.getElementById("kpi-chart-data");
  if (!node || !source || !window.echarts) return;
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const data = JSON.parse(source.textContent);
  const at = (list) => data.years.map((y) => {
    const hit = list.find((item) => item.year === y);
    return hit ? hit.value : null;
  });
  const ACTUAL = t("actual", "实际值");
  const TARGET = t("target", "目标值");
  const PROJECTION = t("projection", "趋势预测");
  const chart = window.echarts.init(node);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [ACTUAL, TARGET, PROJECTION] },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years.map(String) },
    yAxis: { type: "value" },
    series: [
      { name: ACTUAL, type: "line", data: data.values, connectNulls: false, symbolSize: 8 },
      { name: TARGET, type: "scatter", data: at(data.targets), symbol: "diamond", symbolSize: 14, itemStyle: { color: "#d63939" } },
      { name: PROJECTION, type: "scatter", data: at(data.projected), symbol: "circle", symbolSize: 10, itemStyle: { color: "#f59f00" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
