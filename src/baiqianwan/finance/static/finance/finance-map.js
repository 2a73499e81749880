// 科技信贷: Guangdong's cities shaded by the loans in the user's scope.
(function () {
  const element = document.getElementById("finance-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("finance-cities").textContent),
    lines: (c) => [
      `<b>${c.name}</b>`,
      t("loans_counted", "贷款 {n} 笔", { n: c.value }),
      t("loans_amount", "金额 {v}", { v: c.amount }),
    ],
    outside: (name) => `${name}<br><span style="color:#888">${t("no_loans", "无贷款或不在您的统计范围内")}</span>`,
    ...bqwCityMap.countShading(element),
  });
})();
