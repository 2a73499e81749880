// 人才与科普: Guangdong's cities shaded by the 科普 events held there, or by the teachers trained.
(function () {
  const t = bqwCityMap.t;
  const events = document.getElementById("outreach-map");
  if (events && window.echarts) {
    bqwCityMap.draw(events, {
      cities: JSON.parse(document.getElementById("outreach-cities").textContent),
      lines: (c) => [
        `<b>${c.name}</b>（${c.region}）`,
        t("outreach_events", "科普活动 {n} 场", { n: c.value }),
        t("outreach_audience", "受众 {n} 人次", { n: c.audience }),
      ],
      outside: (name) => `${name}<br><span style="color:#888">${t("no_outreach", "无科普活动或不在您的统计范围内")}</span>`,
      ...bqwCityMap.countShading(events),
    });
  }
  const training = document.getElementById("training-map");
  if (training && window.echarts) {
    bqwCityMap.draw(training, {
      cities: JSON.parse(document.getElementById("training-cities").textContent),
      lines: (c) => [
        `<b>${c.name}</b>`,
        t("teachers_trained", "培训教师 {n} 名", { n: c.value }),
        t("teachers_counties", "覆盖县（市、区）{n} 个", { n: c.counties }),
      ],
      outside: (name) => `${name}<br><span style="color:#888">${t("no_teachers", "无参训教师或不在您的统计范围内")}</span>`,
      ...bqwCityMap.countShading(training),
    });
  }
})();
