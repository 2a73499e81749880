// Charts of the results pages (vendored ECharts): the four regions compared, and trends with their
// projection to 2025 and 2027.
(function () {
  if (!window.echarts) return;
  const COLOURS = { prd: "#206bc4", east: "#d63939", west: "#f59f00", north: "#2fb344", all: "#495057" };
  // Words for people come from the page (#js-text, in the language in use); Chinese otherwise.
  const TEXT = JSON.parse((document.getElementById("js-text") || {}).textContent || "{}");
  const t = (key, fallback, values = {}) =>
    (TEXT[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const NAMES = {
    prd: t("prd", "珠三角"),
    east: t("east", "粤东"),
    west: t("west", "粤西"),
    north: t("north", "粤北"),
    all: t("all", "全省"),
  };
  const MEAN = t("mean", "平均");
  const charts = [];
  const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 }));

  function read(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // 四大区域比较: box plot of the scores of each region, with the mean as a dot.
  const regionChart = document.getElementById("region-chart");
  const regionData = read("region-data");
  if (regionChart && regionData) {
    const chart = echarts.init(regionChart);
    charts.push(chart);
    chart.setOption({
      grid: { left: 48, right: 64, top: 24, bottom: 32 },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          if (p.seriesType !== "boxplot") return `<b>${p.name}</b><br>${MEAN} ${fmt(p.value)}`;
          const v = p.value.length === 6 ? p.value.slice(1) : p.value;
          return [
            `<b>${p.name}</b>`,
            `${t("max", "最高")} ${fmt(v[4])}`,
            `${t("upper_quartile", "上四分位")} ${fmt(v[3])}`,
            `${t("median", "中位数")} ${fmt(v[2])}`,
            `${t("lower_quartile", "下四分位")} ${fmt(v[1])}`,
            `${t("min", "最低")} ${fmt(v[0])}`,
          ].join("<br>");
        },
      },
      xAxis: { type: "category", data: regionData.labels },
      yAxis: {
        type: "value",
        name: t("score_series", "得分"),
        min: (v) => Math.max(0, Math.floor(v.min / 10) * 10 - 10),
        max: (v) => Math.min(100, Math.ceil(v.max / 10) * 10 + 10),
      },
      series: [
        {
          name: t("distribution", "分布"),
          type: "boxplot",
          data: regionData.boxes.map((box, i) => ({
            value: box || "-",
            itemStyle: { color: "#f8f9fa", borderColor: COLOURS[regionData.regions[i]] || "#206bc4", borderWidth: 1.5 },
          })),
        },
        {
          name: MEAN,
          type: "scatter",
          symbolSize: 10,
          data: regionData.means.map((m, i) => ({ value: m, itemStyle: { color: COLOURS[regionData.regions[i]] } })),
          label: { show: true, position: "right", distance: 42, formatter: (p) => `${MEAN} ${fmt(p.value)}`, fontSize: 11 },
        },
      ],
    });
  }

  // Trend charts: the series by year, and the projection (dashed) to the horizon years.
  document.querySelectorAll("[data-trend]").forEach((node) => {
    const trend = read(node.dataset.trend);
    if (!trend) return;
    const years = trend.periods.map(Number);
    const last = years.length ? years[years.length - 1] : 2025;
    const horizon = Object.keys(trend.projected).map(Number).filter((y) => y > last);
    const axis = [...years, ...horizon].map(String);
    const series = [];
    const regions = trend.by_region && Object.keys(trend.by_region).length ? trend.by_region : { all: trend.series };
    Object.entries(regions).forEach(([key, values]) => {
      series.push({
        name: NAMES[key] || key,
        type: "line",
        data: values,
        symbolSize: 5,
        lineStyle: { width: key === "all" ? 2.5 : 1.5, color: COLOURS[key] },
        itemStyle: { color: COLOURS[key] },
        connectNulls: true,
      });
    });
    const known = trend.series.filter((v) => v !== null);
    if (known.length && horizon.length) {
      const projected = axis.map((year) => {
        const y = Number(year);
        if (y === last) return trend.series[trend.series.length - 1];
        return y > last ? trend.projected[y] : null;
      });
      series.push({
        name: t("trend", "趋势外推"),
        type: "line",
        data: projected,
        lineStyle: { type: "dashed", color: "#f59f00" },
        itemStyle: { color: "#f59f00" },
        connectNulls: true,
      });
    }
    const targets = Object.entries(trend.targets || {}).filter(([, t]) => t !== null);
    if (targets.length) {
      series.push({
        name: t("target", "目标值"),
        type: "scatter",
        symbol: "diamond",
        symbolSize: 11,
        itemStyle: { color: "#d63939" },
        data: axis.map((year) => {
          const found = targets.find(([y]) => y === year);
          return found ? found[1] : null;
        }),
      });
    }
    const chart = echarts.init(node);
    charts.push(chart);
    chart.setOption({
      grid: { left: 56, right: 12, top: 46, bottom: 28 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { top: 0, itemWidth: 14, itemHeight: 8, itemGap: 8, textStyle: { fontSize: 10 } },
      xAxis: { type: "category", data: axis, boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => fmt(v) } },
      series: series,
    });
  });

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
