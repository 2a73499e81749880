// Dashboard map: Guangdong's cities coloured by the four regions, with counts in the tooltip.
(function () {
  const element = document.getElementById("gd-map");
  if (!element || !window.echarts) return;
  const cities = JSON.parse(document.getElementById("cities-data").textContent);
  const REGION_COLOURS = { prd: "#206bc4", east: "#d63939", west: "#f59f00", north: "#2fb344" };
  const REGION_INDEX = { prd: 0, east: 1, west: 2, north: 3 };
  const homeCity = element.dataset.homeCity || "";
  const byName = Object.fromEntries(cities.map((c) => [c.name, c]));
  const chart = echarts.init(element, null, { renderer: "canvas" });
  chart.showLoading({ text: "地图加载中…" });
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
            return `<b>${c.name}</b>（${c.region_label}）<br>县级单位 ${c.counties || "—"}<br>乡级单位 ${c.towns}<br>村级单位 ${c.villages.toLocaleString()}<br>登记单位 ${c.organisations}`;
          },
        },
        visualMap: {
          type: "piecewise",
          dimension: 0,
          pieces: [
            { value: 0, label: "珠三角", color: REGION_COLOURS.prd },
            { value: 1, label: "粤东", color: REGION_COLOURS.east },
            { value: 2, label: "粤西", color: REGION_COLOURS.west },
            { value: 3, label: "粤北", color: REGION_COLOURS.north },
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
      element.innerHTML = '<div class="text-danger p-3">地图数据加载失败</div>';
    });
  window.addEventListener("resize", () => chart.resize());
})();
