// The portal's home: Guangdong's cities shaded by the demands solved there.
(function () {
  const element = document.getElementById("portal-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("portal-cities").textContent),
    lines: (c) => [`<b>${c.name}</b>（${c.region}）`, t("solved_counted", "已解决的科技需求 {n} 项", { n: c.value })],
    outside: (name) => name,
    ...bqwCityMap.countShading(element),
  });
})();
