// 创新型专业镇: Guangdong's cities shaded by the towns on the register (the dashboard's map, other data).
(function () {
  const element = document.getElementById("towns-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("towns-cities").textContent),
    lines: (c) => [
      `<b>${c.name}</b>（${c.region}）`,
      t("towns_counted", "创新型专业镇 {n} 个", { n: c.value }),
      t("towns_paired", "其中已结对 {n} 个", { n: c.paired }),
    ],
    outside: (name) => `${name}<br><span style="color:#888">${t("no_towns", "无创新型专业镇或不在您的统计范围内")}</span>`,
    ...bqwCityMap.countShading(element),
  });
})();
