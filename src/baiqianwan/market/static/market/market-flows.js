// 技术交易统计: lines from each 珠三角 seller city to each 粤东西北 city of implementation, drawn
// between city centres (the mean of each city's outline) on the Guangdong map; wider for more deals.
(function () {
  const element = document.getElementById("market-flows");
  if (!element || !window.echarts) return;
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const flows = JSON.parse(document.getElementById("market-flows-data").textContent);
  const chart = echarts.init(element, null, { renderer: "canvas" });
  chart.showLoading({ text: t("map_loading", "地图加载中…") });

  function centre(geometry) {
    // The largest outer ring of the city's (multi)polygon, averaged.
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let ring = [];
    for (const polygon of polygons) if (polygon[0].length > ring.length) ring = polygon[0];
    const sum = ring.reduce((acc, [x, y]) => [acc[0] + x, acc[1] + y], [0, 0]);
    return [sum[0] / ring.length, sum[1] / ring.length];
  }

  fetch(element.dataset.geojson)
    .then((r) => r.json())
    .then((geojson) => {
      echarts.registerMap("guangdong", geojson);
      const centres = {};
      for (const feature of geojson.features) {
        centres[feature.properties.code.slice(0, 4)] = centre(feature.geometry);
      }
      const most = Math.max(1, ...flows.map((f) => f.deals));
      const lines = flows
        .filter((f) => centres[f.from_code] && centres[f.to_code])
        .map((f) => ({
          name: `${f.from_name} → ${f.to_name}`,
          coords: [centres[f.from_code], centres[f.to_code]],
          value: f.deals,
          amount: f.value,
          lineStyle: { width: 1 + (5 * f.deals) / most },
        }));
      const cities = {};
      for (const f of flows) {
        cities[f.from_code] = { name: f.from_name, side: "prd" };
        cities[f.to_code] = cities[f.to_code] || { name: f.to_name, side: "ewn" };
      }
      chart.hideLoading();
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: (p) =>
            p.seriesType === "lines"
              ? `${p.name}<br>${t("flow_deals", "交易 {n} 项，合同金额 {value} 元", { n: p.data.value, value: p.data.amount })}`
              : p.name,
        },
        geo: {
          map: "guangdong",
          roam: true,
          layoutCenter: ["50%", "50%"],
          layoutSize: "115%",
          label: { show: true, fontSize: 10, color: "#666" },
          itemStyle: { areaColor: "#f1f3f5", borderColor: "#fff" },
          emphasis: { itemStyle: { areaColor: "#ffd43b" } },
        },
        series: [
          {
            type: "lines",
            coordinateSystem: "geo",
            data: lines,
            effect: { show: true, symbol: "arrow", symbolSize: 6, period: 6 },
            lineStyle: { color: "#1f4e79", opacity: 0.6, curveness: 0.2 },
          },
          {
            type: "effectScatter",
            coordinateSystem: "geo",
            data: Object.entries(cities).map(([code, c]) => ({ name: c.name, value: centres[code] })),
            symbolSize: 6,
            itemStyle: { color: "#d63939" },
          },
        ],
      });
    })
    .catch(() => {
      chart.hideLoading();
      element.innerHTML = `<div class="text-danger p-3">${t("map_failed", "地图数据加载失败")}</div>`;
    });
  window.addEventListener("resize", () => chart.resize());
})();
