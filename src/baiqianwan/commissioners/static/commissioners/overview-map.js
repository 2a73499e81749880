// 特派员概览: Guangdong's cities shaded by commissioners on duty (the dashboard's map, other data).
(function () {
  const element = document.getElementById("commissioner-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("overview-cities").textContent),
    lines: (c) => [
      `<b>${c.name}</b>（${c.region}）`,
      t("on_duty", "在岗科技特派员 {n} 人", { n: c.value }),
      t("serving", "其中有服务日志 {n} 人", { n: c.serving }),
      t("teams_towns", "团队 {teams} 个 · 覆盖乡镇 {towns} 个", { teams: c.teams, towns: c.towns }),
      t("villages_covered", "覆盖村（社区）{n} 个", { n: c.villages }),
    ],
    outside: (name) => `${name}<br><span style="color:#888">${t("out_of_scope", "不在您的统计范围内")}</span>`,
    ...bqwCityMap.countShading(element),
  });
})();
