// A KPI's yearly values, its targets and the projected values, in one line chart.
(function () {
  const node = document.getElementById("kpi-chart");
  const source = document.getElementById("kpi-chart-data");
  if (!node || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const at = (list) => data.years.map((y) => {
    const hit = list.find((item) => item.year === y);
    return hit ? hit.value : null;
  });
  const chart = window.echarts.init(node);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["实际值", "目标值", "趋势预测"] },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years.map(String) },
    yAxis: { type: "value" },
    series: [
      { name: "实际值", type: "line", data: data.values, connectNulls: false, symbolSize: 8 },
      { name: "目标值", type: "scatter", data: at(data.targets), symbol: "diamond", symbolSize: 14, itemStyle: { color: "#d63939" } },
      { name: "趋势预测", type: "scatter", data: at(data.projected), symbol: "circle", symbolSize: 10, itemStyle: { color: "#f59f00" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
