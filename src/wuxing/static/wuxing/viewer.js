// The case-file page viewer: one page at a time drawn by PDF.js (served by the app), thumbnails beside it on a
// desktop, zoom, and page citations (links with data-cite) that open the cited page in the viewer on the same page.
const root = document.querySelector("[data-viewer]");

async function start() {
  const pdfjs = await import(root.dataset.lib);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const links = [...root.querySelectorAll("a[data-page]")];
  const count = links.length;
  const canvas = root.querySelector("canvas");
  const holder = root.querySelector(".viewer-page");
  const input = root.querySelector("[data-page-input]");
  const label = root.querySelector("[data-zoom-label]");
  const message = root.querySelector("[data-viewer-msg]");
  const docs = new Map();
  let current = 0;
  let zoom = "fit";
  let task = null;

  const clamp = (n) => Math.min(Math.max(Number.isFinite(n) ? n : 1, 1), count);

  async function show(n) {
    n = clamp(n);
    current = n;
    root.dataset.current = String(n);
    input.value = n;
    links.forEach((a) => {
      const on = Number(a.dataset.page) === n;
      a.classList.toggle("current", on);
      if (on) { a.setAttribute("aria-current", "page"); a.scrollIntoView({ block: "nearest", inline: "nearest" }); }
      else a.removeAttribute("aria-current");
    });
    if (root.hasAttribute("data-history")) history.replaceState(null, "", `?page=${n}`);
    const remove = root.querySelector("[data-remove-form]");
    if (remove) remove.action = links[n - 1].dataset.remove;
    try {
      let doc = docs.get(n);
      if (!doc) {
        doc = await pdfjs.getDocument({ url: links[n - 1].dataset.pdf }).promise;
        docs.set(n, doc);
      }
      if (current !== n) return;
      const page = await doc.getPage(1);
      const base = page.getViewport({ scale: 1 });
      const style = getComputedStyle(holder);
      const room = holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 2;
      const fit = Math.max(room / base.width, 0.2);
      const scale = zoom === "fit" ? fit : zoom;
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: scale * ratio });
      if (task) task.cancel();
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      task = page.render({ canvas, viewport });
      await task.promise;
      label.textContent = `${Math.round(scale * 100)}%`;
      message.hidden = true;
      root.dataset.rendered = String(n);
    } catch (err) {
      if (err && err.name === "RenderingCancelledException") return;
      message.hidden = false;
      message.textContent = "本页无法显示，请下载后查看。";
    }
  }

  root.addEventListener("click", (e) => {
    const go = e.target.closest("[data-go]");
    const z = e.target.closest("[data-zoom]");
    const thumb = e.target.closest("a[data-page]");
    if (go) show(current + Number(go.dataset.go));
    else if (thumb) { e.preventDefault(); show(Number(thumb.dataset.page)); }
    else if (z) {
      const now = zoom === "fit" ? Number(label.textContent.replace("%", "")) / 100 || 1 : zoom;
      zoom = z.dataset.zoom === "fit" ? "fit" : Math.min(Math.max(now * (z.dataset.zoom === "in" ? 1.25 : 0.8), 0.25), 5);
      show(current);
    }
  });
  input.addEventListener("change", () => show(Number(input.value)));
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select")) return;
    if (e.key === "ArrowRight" || e.key === "PageDown") show(current + 1);
    if (e.key === "ArrowLeft" || e.key === "PageUp") show(current - 1);
  });
  // A finding's citation ("第 3–4 页") opens its first page here when the viewer is on screen (the sheet on a desktop);
  // otherwise the link goes to the dossier page at that page.
  document.addEventListener("click", (e) => {
    const cite = e.target.closest("a[data-cite]");
    if (!cite || root.offsetParent === null) return;
    e.preventDefault();
    show(Number(cite.dataset.cite));
    root.scrollIntoView({ block: "nearest" });
  });
  let resized = null;
  window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(() => zoom === "fit" && show(current), 200); });
  show(Number(root.dataset.start) || 1);
}

if (root) start();
