// 特派员概览: Guangdong's cities shaded by commissioners on duty (same ECharts and GeoJSON as the dashboard).
(function () {
  const element = document.getElementById("commissioner-map");
  if (!element || !window.echarts) return;
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const cities = JSON.parse(document.getElementById("overview-cities").textContent);
  const byName = Object.fromEntries(cities.map((c) => [c.name, c]));
  const max = Number(element.dataset.max || 1);
  const chart = echarts.init(element, null, { renderer: "canvas" });
  chart.showLoading({ text: t("map_loading", "地图加载中…") });
  fetch(element.dataset.geojson)
    .then((r) => r.json())
    .then((geojson) => {
      echarts.registerMap("guangdong", geojson);
      chart.hideLoading();
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const c = byName[p.name];
            if (!c) return `${p.name}<br><span style="color:#888">${t("out_of_scope", "不在您的统计范围内")}</span>`;
            return [
              `<b>${c.name}</b>（${c.region}）`,
              t("on_duty", "在岗科技特派员 {n} 人", { n: c.value }),
              t("serving", "其中有服务日志 {n} 人", { n: c.serving }),
              t("teams_towns", "团队 {teams} 个 · 覆盖乡镇 {towns} 个", { teams: c.teams, towns: c.towns }),
              t("villages_covered", "覆盖村（社区）{n} 个", { n: c.villages }),
            ].join("<br>");
          },
        },
        visualMap: {
          type: "continuous",
          min: 0,
          max: max,
          text: [t("more", "多"), t("fewer", "少")],
          calculable: false,
          inRange: { color: ["#e7f0fa", "#6aa6e0", "#1f4e79"] },
          left: 10,
          bottom: 10,
        },
        series: [
          {
            type: "map",
            map: "guangdong",
            roam: true,
            labelLayout: { hideOverlap: true },
            label: { show: true, fontSize: 10, color: "#333" },
            itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#f1f3f5" },
            emphasis: { label: { color: "#000" }, itemStyle: { areaColor: "#ffd43b" } },
            data: cities.map((c) => ({ name: c.name, value: c.value })),
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
