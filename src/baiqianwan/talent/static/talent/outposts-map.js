// 科研院校县域研究机构: Guangdong's cities shaded by the research outposts open in their counties.
(function () {
  const element = document.getElementById("outposts-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("outposts-cities").textContent),
    lines: (c) => [
      `<b>${c.name}</b>（${c.region}）`,
      t("outposts_open", "运行中的县域研究机构 {n} 个", { n: c.value }),
      t("outposts_staff", "驻点科研人员 {n} 人", { n: c.staff }),
    ],
    outside: (name) => `${name}<br><span style="color:#888">${t("no_outposts", "无运行中的县域研究机构或不在您的统计范围内")}</span>`,
    ...bqwCityMap.countShading(element),
  });
})();
