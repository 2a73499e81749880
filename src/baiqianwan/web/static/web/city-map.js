// Guangdong's cities on an ECharts map, for the dashboard and the 特派员概览: what is the same on both
// (words from #js-text, the GeoJSON fetched from data-geojson, loading, failure, resizing) is here;
// each page's script says what a city shows (its tooltip lines, colours and data).
window.bqwCityMap = (function () {
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));

  // options: cities, lines(city) → tooltip lines, outside(name) → tooltip of a city not in the data,
  // visualMap, label, itemStyle, item(city) → series datum, onClick(params).
  function draw(element, options) {
    const byName = Object.fromEntries(options.cities.map((c) => [c.name, c]));
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.showLoading({ text: t("map_loading", "地图加载中…") });
    fetch(element.dataset.geojson || "/static/vendor/maps/guangdong-cities.json")
      .then((r) => r.json())
      .then((geojson) => {
        echarts.registerMap("guangdong", geojson);
        chart.hideLoading();
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: (p) => {
              const c = byName[p.name];
              return c ? options.lines(c).join("<br>") : options.outside(p.name);
            },
          },
          visualMap: { ...options.visualMap, left: 10, bottom: 10 },
          series: [
            {
              type: "map",
              map: "guangdong",
              roam: true,
              labelLayout: { hideOverlap: true },
              label: { show: true, fontSize: 10, ...options.label },
              itemStyle: { borderColor: "#fff", borderWidth: 1, ...options.itemStyle },
              emphasis: { label: { color: "#000" }, itemStyle: { areaColor: "#ffd43b" } },
              data: options.cities.map(options.item),
            },
          ],
        });
        if (options.onClick) chart.on("click", options.onClick);
      })
      .catch(() => {
        chart.hideLoading();
        element.innerHTML = `<div class="text-danger p-3">${t("map_failed", "地图数据加载失败")}</div>`;
      });
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  // Cities shaded from light to dark blue by a count (`value`), up to the element's data-max.
  function countShading(element) {
    return {
      visualMap: {
        type: "continuous",
        min: 0,
        max: Number(element.dataset.max || 1),
        text: [t("more", "多"), t("fewer", "少")],
        calculable: false,
        inRange: { color: ["#e7f0fa", "#6aa6e0", "#1f4e79"] },
      },
      label: { color: "#333" },
      itemStyle: { areaColor: "#f1f3f5" },
      item: (c) => ({ name: c.name, value: c.value }),
    };
  }

  return { t, draw, countShading };
})();
