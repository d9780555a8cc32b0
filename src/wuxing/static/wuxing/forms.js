/* Small helpers of the forms, without inline code (CSP): a <select data-narrows="id"> shows, in the select
   with that id, only the option group named like its chosen option (the star's own indicators); a file field
   gets a 选择文件 button and the chosen names in the page's language, whatever the browser's own is; a button with
   data-confirm asks before it submits. */
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
  function chooser(input) {
    var words = document.body.dataset;
    if (!input.id || !words.chooseFile || input.dataset.chooser) { return; }
    input.dataset.chooser = "1";
    var button = document.createElement("label");
    button.className = "button file-button";
    button.htmlFor = input.id;
    button.textContent = words.chooseFile;
    var names = document.createElement("span");
    names.className = "file-names hint";
    names.textContent = words.noFile;
    input.classList.add("file-hidden");
    input.insertAdjacentElement("afterend", names);
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("change", function () {
      var list = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      names.textContent = list.length ? list.join("、") : words.noFile;
    });
  }
  function init() {
    document.querySelectorAll("input[type=file]").forEach(function (input, i) {
      if (!input.id) { input.id = "file-" + i; }
      chooser(input);
    });
    document.querySelectorAll("select[data-narrows]").forEach(function (select) {
      narrow(select);
      select.addEventListener("change", function () { narrow(select); });
    });
  }
  // The unit chooser (orgs/search.py): a picked search result becomes a ticked box (several) or the one chosen
  // radio (one) named like the field; unticking a box drops it from what is posted.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest ? event.target.closest(".unit-search-pick") : null;
    if (!pick) { return; }
    var box = pick.closest(".unit-search");
    var chosen = box.querySelector(".unit-search-chosen");
    var multiple = box.dataset.multiple === "1";
    var existing = chosen.querySelector("input[value='" + pick.dataset.value + "']");
    if (existing) { existing.checked = true; } else {
      if (!multiple) { chosen.innerHTML = ""; }
      var item = document.createElement("li");
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = box.dataset.name;
      input.value = pick.dataset.value;
      input.checked = true;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + pick.dataset.label));
      item.appendChild(label);
      chosen.appendChild(item);
    }
    box.querySelector(".unit-search-results").innerHTML = "";
    var q = box.querySelector(".unit-search-q");
    q.value = "";
    q.focus();
  });
  // A step that cannot be undone asks first: a button with data-confirm="…" submits only when the person agrees.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
