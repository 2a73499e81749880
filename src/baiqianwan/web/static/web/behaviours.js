// Page behaviours declared with data-* attributes, so templates carry no inline handlers and the
// Content-Security-Policy can refuse inline scripts:
//   data-autosubmit            a select or switch that submits its form when changed
//   data-clear="county,item"   ...after emptying those fields of the form (a narrower filter)
//   data-check-all="log"       a checkbox that ticks or clears every input[name=log]
//   data-confirm="问题？"       a button or link that asks first and does nothing on 取消
//   data-add-row="i"           a button that adds a blank row to formset `i`: a copy of its
//                              <template data-empty-row="i"> put in its [data-rows="i"], counted
//                              in i-TOTAL_FORMS, up to i-MAX_NUM_FORMS
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (!field || !field.form) return;
  for (const name of (field.dataset.clear || "").split(",").filter(Boolean)) {
    const other = field.form.elements.namedItem(name);
    if (other && "value" in other) other.value = "";
  }
  field.form.submit();
});

document.addEventListener("click", (event) => {
  const all = event.target.closest("[data-check-all]");
  if (all) {
    document.querySelectorAll(`input[name="${CSS.escape(all.dataset.checkAll)}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  }
  const asking = event.target.closest("[data-confirm]");
  if (asking && !window.confirm(asking.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const template = document.querySelector(`template[data-empty-row="${CSS.escape(prefix)}"]`);
  const rows = document.querySelector(`[data-rows="${CSS.escape(prefix)}"]`);
  if (!total || !template || !rows) return;
  const count = Number(total.value);
  if (max && count >= Number(max.value)) {
    button.disabled = true;
    return;
  }
  rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(count)));
  total.value = String(count + 1);
  rows.lastElementChild.querySelector("input, select")?.focus();
});

// Recording where a service took place (service log form); the messages come from the template.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("geoLocation", () => ({
    lat: "",
    lng: "",
    note: "",
    init() {
      this.lat = this.$el.dataset.lat || "";
      this.lng = this.$el.dataset.lng || "";
    },
    locate() {
      const text = this.$el.closest("[data-unsupported]").dataset;
      if (!navigator.geolocation) {
        this.note = text.unsupported;
        return;
      }
      this.note = text.locating;
      navigator.geolocation.getCurrentPosition(
        (p) => {
          this.lat = p.coords.latitude.toFixed(5);
          this.lng = p.coords.longitude.toFixed(5);
          this.note = "";
        },
        () => {
          this.note = text.failed;
        },
        { enableHighAccuracy: true, timeout: 10000 },
      );
    },
  }));
});
