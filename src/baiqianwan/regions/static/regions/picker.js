// Cascading division picker (市 → 县 → 镇 → 村). Writes the chosen 12-digit code into a hidden
// input; reads children from /api/v1/regions/{code}/children. Used by every form with a location.
document.addEventListener("alpine:init", () => {
  const LEVEL_LABELS = { city: "市", county: "县（市、区）", town: "乡镇（街道）", village: "村（居）委会" };
  const ORDER = ["province", "city", "county", "town", "village"];

  // Configured by the element's data-* attributes (data-root, data-value, data-max-level,
  // data-min-level), never by values written into the x-data expression: the browser undoes the
  // HTML escaping before Alpine evaluates that expression, so a value there would run as code.
  window.Alpine.data("divisionPicker", () => ({
    root: "",
    value: "",
    maxLevel: "village",
    minLevel: "",
    columns: [],
    fixed: "",
    loading: false,
    error: "",

    async init() {
      const given = this.$el.dataset;
      this.root = given.root || "";
      // With nothing chosen, the unit the picker starts from is the answer (a county manager may
      // bind a user to the county itself).
      this.value = given.value || this.root;
      this.maxLevel = given.maxLevel || "village";
      this.minLevel = given.minLevel || "";
      const chain = [];
      if (this.value && this.value !== this.root) {
        const unit = await this.fetchJson(`/api/v1/regions/${this.value}`);
        if (unit) {
          for (const a of unit.ancestors) if (a.code.startsWith(this.prefixOf(this.root)) && a.code !== this.root) chain.push(a.code);
          chain.push(unit.code);
        }
      }
      await this.openColumn(this.root, 0);
      if (this.columns.length === 0) {
        // A user bound to a village (or a unit without children) has exactly one place to pick.
        const unit = await this.fetchJson(`/api/v1/regions/${this.root}`);
        if (unit) {
          this.value = unit.code;
          this.fixed = unit.full_name;
        }
        return;
      }
      for (let i = 0; i < chain.length; i++) {
        this.columns[i].selected = chain[i];
        if (i + 1 < chain.length || this.canDescend(chain[i])) await this.openColumn(chain[i], i + 1);
      }
    },

    prefixOf(code) {
      return code.replace(/(000)+$/, "").replace(/^(\d{4})00$/, "$1").replace(/^(\d{2})0000$/, "$1");
    },

    canDescend(code) {
      const column = this.columns.find((c) => c.options.some((o) => o.code === code));
      const option = column && column.options.find((o) => o.code === code);
      return option && ORDER.indexOf(option.level) < ORDER.indexOf(this.maxLevel);
    },

    async fetchJson(url) {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(response.status);
        return await response.json();
      } catch (e) {
        this.error = this.$el.dataset.textFailed || "区划数据加载失败，请刷新页面重试";
        return null;
      }
    },

    async openColumn(parent, index) {
      this.loading = true;
      const children = (await this.fetchJson(`/api/v1/regions/${parent}/children`)) || [];
      this.loading = false;
      this.columns.splice(index);
      if (children.length === 0) return;
      const level = children[0].level;
      if (ORDER.indexOf(level) > ORDER.indexOf(this.maxLevel)) return;
      // The page gives the words in the language in use (data-text-city…); Chinese otherwise.
      const label = this.$el.dataset[`text${level[0].toUpperCase()}${level.slice(1)}`] || LEVEL_LABELS[level] || level;
      this.columns.push({ level, label, options: children, selected: "" });
    },

    async choose(index, code) {
      this.columns[index].selected = code;
      this.columns.splice(index + 1);
      const picked = code || (index > 0 ? this.columns[index - 1].selected : "");
      this.value = code || (index > 0 ? picked : this.root);
      if (code && this.canDescend(code)) await this.openColumn(code, index + 1);
    },
  }));
});
