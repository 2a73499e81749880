// Dashboard map: Guangdong's cities coloured by the four regions, with counts in the tooltip.
(function () {
  const element = document.getElementById("gd-map");
  if (!element || !window.echarts) return;
  const t = bqwCityMap.t;
  const REGION_COLOURS = { prd: "#206bc4", east: "#d63939", west: "#f59f00", north: "#2fb344" };
  const REGION_INDEX = { prd: 0, east: 1, west: 2, north: 3 };
  const homeCity = element.dataset.homeCity || "";
  bqwCityMap.draw(element, {
    cities: JSON.parse(document.getElementById("cities-data").textContent),
    lines: (c) => [
      `<b>${c.name}</b>（${c.region_label}）`,
      t("home_counties", "县级单位 {n}", { n: c.counties || "—" }),
      t("home_towns", "乡级单位 {n}", { n: c.towns }),
      t("home_villages", "村级单位 {n}", { n: c.villages.toLocaleString() }),
      t("home_organisations", "登记单位 {n}", { n: c.organisations }),
    ],
    outside: (name) => name,
    visualMap: {
      type: "piecewise",
      dimension: 0,
      pieces: [
        { value: 0, label: t("prd", "珠三角"), color: REGION_COLOURS.prd },
        { value: 1, label: t("east", "粤东"), color: REGION_COLOURS.east },
        { value: 2, label: t("west", "粤西"), color: REGION_COLOURS.west },
        { value: 3, label: t("north", "粤北"), color: REGION_COLOURS.north },
      ],
    },
    label: { color: "#fff" },
    item: (c) => {
      const item = { name: c.name, value: REGION_INDEX[c.region], code: c.code };
      // The user's own city stands out with a gold border.
      if (homeCity && c.code.startsWith(homeCity) && homeCity !== "4400") {
        item.itemStyle = { borderColor: "#ffd43b", borderWidth: 3 };
        item.label = { fontWeight: "bold" };
      }
      return item;
    },
    onClick: (p) => {
      if (p.data && p.data.code) window.location.href = `/regions/${p.data.code}/`;
    },
  });
})();
