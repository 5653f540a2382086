// Adds a blank member form to a Django formset: clones the <template> and renumbers __prefix__.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var target = document.getElementById(prefix + "-forms");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      target.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
    });
  });
});
