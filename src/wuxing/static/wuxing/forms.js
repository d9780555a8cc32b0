/* Small helpers of the forms, without inline code (CSP): a <select data-narrows="id"> shows, in the select
   with that id, only the option group named like its chosen option (the star's own indicators). */
(function () {
  "use strict";
  function narrow(select) {
    var target = document.getElementById(select.dataset.narrows);
    if (!target) { return; }
    var chosen = select.options[select.selectedIndex] ? select.options[select.selectedIndex].text : "";
    Array.prototype.forEach.call(target.querySelectorAll("optgroup"), function (group) {
      var mine = group.label === chosen;
      group.hidden = !mine;
      group.disabled = !mine;
      if (!mine) { Array.prototype.forEach.call(group.querySelectorAll("option"), function (o) { o.selected = false; }); }
    });
  }
  function init() {
    document.querySelectorAll("select[data-narrows]").forEach(function (select) {
      narrow(select);
      select.addEventListener("change", function () { narrow(select); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
