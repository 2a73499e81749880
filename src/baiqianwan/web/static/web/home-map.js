// Dashboard map: Guangdong's cities coloured by the four regions, with counts in the tooltip.
(function () {
  const element = document.getElementById("gd-map");
  if (!element || !window.echarts) return;
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const cities = JSON.parse(document.getElementById("cities-data").textContent);
  const REGION_COLOURS = { prd: "#206bc4", east: "#d63939", west: "#f59f00", north: "#2fb344" };
  const REGION_INDEX = { prd: 0, east: 1, west: 2, north: 3 };
  const homeCity = element.dataset.homeCity || "";
  const byName = Object.fromEntries(cities.map((c) => [c.name, c]));
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
            if (!c) return p.name;
            return [
              `<b>${c.name}</b>（${c.region_label}）`,
              t("home_counties", "县级单位 {n}", { n: c.counties || "—" }),
              t("home_towns", "乡级单位 {n}", { n: c.towns }),
              t("home_villages", "村级单位 {n}", { n: c.villages.toLocaleString() }),
              t("home_organisations", "登记单位 {n}", { n: c.organisations }),
            ].join("<br>");
          },
        },
        visualMap: {
          type: "piecewise",
          dimension: 0,
          pieces: [
            { value: 0, label: t("prd", "珠三角"), color: REGION_COLOURS.prd },
            { value: 1, label: t("east", "粤东"), color: REGION_COLOURS.east },
            { value: 2, label: t("west", "粤西"), color: REGION_COLOURS.west },
            { value: 3, label: t("north", "粤北"), color: REGION_COLOURS.north },
          ],
          left: 10,
          bottom: 10,
        },
        series: [
          {
            type: "map",
            map: "guangdong",
            roam: true,
            labelLayout: { hideOverlap: true },
            label: { show: true, fontSize: 10, color: "#fff" },
            itemStyle: { borderColor: "#fff", borderWidth: 1 },
            emphasis: { label: { color: "#000" }, itemStyle: { areaColor: "#ffd43b" } },
            data: cities.map((c) => {
              const item = { name: c.name, value: REGION_INDEX[c.region], code: c.code };
              // The user's own city stands out with a gold border.
              if (homeCity && c.code.startsWith(homeCity) && homeCity !== "4400") {
                item.itemStyle = { borderColor: "#ffd43b", borderWidth: 3 };
                item.label = { fontWeight: "bold" };
              }
              return item;
            }),
          },
        ],
      });
      chart.on("click", (p) => {
        if (p.data && p.data.code) window.location.href = `/regions/${p.data.code}/`;
      });
    })
    .catch(() => {
      chart.hideLoading();
      element.innerHTML = `<div class="text-danger p-3">${t("map_failed", "地图数据加载失败")}</div>`;
    });
  window.addEventListener("resize", () => chart.resize());
})();
