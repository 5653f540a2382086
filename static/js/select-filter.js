// Type-to-filter for long selects (cadres): a text box before each <select data-searchable> hides the
// options whose label does not contain what was typed. No inline script: the CSP forbids it.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "输入姓名或单位筛选";
    box.setAttribute("aria-label", "筛选" + (select.labels && select.labels[0] ? select.labels[0].textContent : ""));
    box.dataset.filterFor = select.id;
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var typed = box.value.trim();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = !option.value || !typed || option.text.indexOf(typed) !== -1;
        option.hidden = !shown;
        if (shown && option.value && first === null) { first = option; }
      });
      var current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
      if (typed && first && (current === null || current.hidden || !current.value)) {
        first.selected = true;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
