/* Uploads with a progress bar: a form marked data-upload checks the number and size of its files before it
   sends anything, then sends them with XMLHttpRequest and shows how far it has got. Without this script the
   form still posts normally and the server checks the same limits. */
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }
  function setup(form) {
    var input = form.querySelector("input[type=file][data-max-bytes]");
    var error = form.querySelector(".upload-error");
    var bar = form.querySelector(".upload-progress");
    if (!input || !error || !bar || !window.FormData) { return; }
    var maxBytes = parseInt(input.dataset.maxBytes, 10), maxFiles = parseInt(input.dataset.maxFiles, 10);
    function problem() {
      var files = Array.prototype.slice.call(input.files || []);
      if (files.length > maxFiles) { return fill(form.dataset.tooMany, { max: maxFiles }); }
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxBytes) {
          return fill(form.dataset.tooBig, { name: files[i].name, size: (files[i].size / 1048576).toFixed(1),
                                             max: Math.floor(maxBytes / 1048576) });
        }
      }
      return "";
    }
    function show(text) { error.textContent = text; error.hidden = !text; }
    input.addEventListener("change", function () { show(problem()); });
    form.addEventListener("submit", function (event) {
      var text = problem();
      show(text);
      event.preventDefault();
      if (text) { return; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      bar.hidden = false;
      bar.value = 0;
      form.querySelector("button[type=submit]").disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        // The answer is the page the server redirected to, carrying its one-time message: show it as it came (loading
        // it again would lose the message) and put its address in the location bar.
        var target = xhr.responseURL || window.location.href;
        document.open();
        document.write(xhr.responseText);
        document.close();
        if (target.split("#")[0] !== window.location.href.split("#")[0]) { window.history.replaceState(null, "", target); }
      });
      xhr.addEventListener("error", function () {
        show(form.dataset.failed);
        bar.hidden = true;
        form.querySelector("button[type=submit]").disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }
  function init() { document.querySelectorAll("form[data-upload]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
