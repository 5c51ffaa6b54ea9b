/* Reads a stored PDF inline with pdf.js (vendored, static/vendor/pdfjs, Apache-2.0): the page
 * /ung-dung/doc-pdf/?tep=<the file's own URL>. The browser fetches the file with the person's own rights
 * (or from the service worker's copy, offline); nothing runs from the PDF: pdf.js draws it on canvases,
 * without eval (the Content-Security-Policy allows none) and without the PDF's scripts. */
import * as pdfjs from "../vendor/pdfjs/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = new URL("../vendor/pdfjs/pdf.worker.min.mjs", import.meta.url).href;
const FILE = /^\/(?:(?:van-ban-den|van-ban-di)\/\d+\/)?tep\/\d+\/$/;
const box = document.querySelector("[data-qlvb=pdf-pages]");
const status = document.querySelector("[data-qlvb=pdf-status]");
const src = new URLSearchParams(window.location.search).get("tep") || "";

async function show() {
  if (!FILE.test(src)) {
    status.textContent = box.dataset.bad;
    return;
  }
  document.querySelector("[data-qlvb=pdf-back]").href = src.replace(/tep\/\d+\/$/, ""); // the item's page
  const download = document.querySelector("[data-qlvb=pdf-download]");
  download.href = src;
  download.hidden = false;
  let response;
  try {
    response = await fetch(src, { credentials: "same-origin" });
  } catch (error) {
    status.textContent = box.dataset.offline;
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || type.indexOf("application/pdf") !== 0) {
    status.textContent = response.ok ? box.dataset.notPdf : box.dataset.failed;
    return;
  }
  const data = new Uint8Array(await response.arrayBuffer());
  const doc = await pdfjs.getDocument({ data, isEvalSupported: false, enableScripting: false }).promise;
  const width = box.clientWidth || 360;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const scale = width / page.getViewport({ scale: 1 }).width;
    const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.className = "qlvb-pdf-page";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", box.dataset.pageLabel + " " + n + "/" + doc.numPages);
    canvas.dataset.qlvb = "pdf-page";
    box.appendChild(canvas);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  }
  status.textContent = box.dataset.pages.replace("N", String(doc.numPages));
}

show().catch(() => {
  status.textContent = box.dataset.failed;
});
