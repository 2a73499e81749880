// 科技金融服务网络: Guangdong's cities shaded by the centres and stations open there.
(function () {
  const element = document.getElementById("stations-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("stations-cities").textContent),
    lines: (c) => [
      `<b>${c.name}</b>（${c.region}）`,
      t("stations_open", "运行中的中心和站点 {n} 个", { n: c.value }),
      t("stations_levels", "中心 {centre} · 县 {county} · 镇 {town} · 村 {village}", c),
    ],
    outside: (name) => `${name}<br><span style="color:#888">${t("no_stations", "无运行中的站点或不在您的统计范围内")}</span>`,
    ...bqwCityMap.countShading(element),
  });
})();
