// vizlib static copy: builds the report frame once it is in sight; the frame borrows plotly.js
// from this page (window.__vizlibPlotly, defined by the loader before this script).
(function () {
  "use strict";
  var root = document.currentScript && document.currentScript.closest(".vz-static");
  if (!root) return;
  var holder = root.querySelector(".vz-static-frame");
  function fit(frame) {
    try {
      frame.style.height = frame.contentDocument.documentElement.scrollHeight + 20 + "px";
    } catch (e) {}
  }
  function open() {
    if (holder.firstChild) return;
    var frame = document.createElement("iframe");
    frame.title = "vizlib report";
    frame.style.cssText = "width:100%;height:720px;border:0;background:#fff";
    frame.addEventListener("load", function () {
      fit(frame);
      setTimeout(function () { fit(frame); }, 800);
      frame.contentDocument.addEventListener("click", function () { setTimeout(function () { fit(frame); }, 100); });
    });
    frame.srcdoc = holder.getAttribute("data-page");
    holder.appendChild(frame);
  }
  if (!("IntersectionObserver" in window)) { open(); return; }
  var seen = new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); open(); }
  });
  seen.observe(holder);
})();
