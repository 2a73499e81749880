// 考核结果地图: counties or cities of Guangdong coloured by the chosen index or indicator (vendored
// ECharts and GeoJSON, nothing from the network). Clicking a county the reader may open shows its
// scorecard.
(function () {
  const element = document.getElementById("results-map");
  const source = document.getElementById("map-data");
  if (!element || !source || !window.echarts) return;
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(element, null, { renderer: "canvas" });
  const maps = {};
  const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toFixed(1));

  function rows(mode) {
    return (mode === "cities" ? data.cities : data.counties).map((area) => {
      const row = { name: area.code, value: area.value === null ? null : area.value, area: area };
      // The reader's own counties stand out with a dark border.
      if (area.own) row.itemStyle = { borderColor: "#1f4e79", borderWidth: 1.6 };
      return row;
    });
  }

  function tooltip(p) {
    const area = p.data && p.data.area;
    if (!area) return p.name;
    const lines = [`<b>${area.name}</b>`];
    if (area.value === null) {
      lines.push(`<span style="color:#888">${area.note || t("no_data", "无数据")}</span>`);
    } else if (area.units && area.units.length > 1) {
      area.units.forEach((u) =>
        lines.push(t("unit_score_rank", "{name}：{score} 分，全省第 {rank} 名", { name: u.name, score: fmt(u.score), rank: u.rank || "—" })),
      );
    } else {
      lines.push(t("score", "得分 {score}", { score: fmt(area.value) }));
      if (area.rank) {
        const ranked = { rank: area.rank, of: area.of };
        lines.push(area.units && area.units.length ? t("province_rank", "全省第 {rank} / {of} 名", ranked) : t("rank", "排名第 {rank} / {of} 名", ranked));
      }
      if (area.units && area.units.length === 1) {
        const u = area.units[0];
        if (u.region_rank) lines.push(t("region_rank", "区域内第 {rank} 名", { rank: u.region_rank }));
        if (u.grade) lines.push(u.grade);
      }
      if (area.n > 1 || (area.units && !area.units.length)) lines.push(`<span style="color:#888">${t("mean_of_units", "{n} 个单位的平均", { n: area.n })}</span>`);
    }
    if (area.url) lines.push(`<span style="color:#206bc4">${t("open_report_card", "点击查看成绩单")}</span>`);
    return lines.join("<br>");
  }

  function draw(mode) {
    chart.setOption(
      {
        tooltip: { trigger: "item", formatter: tooltip },
        visualMap: {
          type: "continuous",
          min: data.min,
          max: data.max,
          text: [t("high", "高"), t("low", "低")],
          calculable: true,
          precision: 1,
          inRange: { color: ["#fff5eb", "#fdae6b", "#e6550d", "#7f2704"] },
          left: 10,
          bottom: 10,
        },
        series: [
          {
            type: "map",
            map: mode,
            nameProperty: "code",
            roam: true,
            layoutCenter: ["50%", "50%"],
            layoutSize: "100%",
            labelLayout: { hideOverlap: true },
            label: {
              show: mode === "cities",
              fontSize: 10,
              color: "#222",
              formatter: (p) => (p.data && p.data.area ? p.data.area.name.replace(/（.*/, "") : ""),
            },
            itemStyle: { borderColor: "#fff", borderWidth: mode === "cities" ? 1 : 0.5, areaColor: "#e9ecef" },
            emphasis: { label: { show: true, color: "#000" }, itemStyle: { areaColor: "#ffd43b" } },
            select: { disabled: true },
            data: rows(mode),
          },
        ],
      },
      true,
    );
  }

  function load(mode) {
    if (maps[mode]) return Promise.resolve();
    return fetch(element.dataset[mode])
      .then((r) => r.json())
      .then((geojson) => {
        echarts.registerMap(mode, geojson);
        maps[mode] = true;
      });
  }

  function show(mode) {
    chart.showLoading({ text: t("map_loading", "地图加载中…") });
    load(mode)
      .then(() => {
        chart.hideLoading();
        draw(mode);
      })
      .catch(() => {
        chart.hideLoading();
        element.innerHTML = `<div class="text-danger p-3">${t("map_failed", "地图数据加载失败")}</div>`;
      });
  }

  chart.on("click", (p) => {
    const area = p.data && p.data.area;
    if (area && area.url) window.location.href = area.url;
  });
  document.querySelectorAll("[data-map-mode]").forEach((button) => {
    button.addEventListener("click", () => {
      document.querySelectorAll("[data-map-mode]").forEach((b) => b.classList.toggle("active", b === button));
      show(button.dataset.mapMode);
    });
  });
  window.addEventListener("resize", () => chart.resize());
  show("counties");
})();
