// vizlib: plotly.js from the inert copy a vizlib output put in this page, evaluated once.
// Charts, static copies and their report frames all call window.__vizlibPlotly().
(function () {
  "use strict";
  if (window.__vizlibPlotly) return;
  window.__vizlibPlotly = function () {
    if (window.Plotly && window.Plotly.react) return window.Plotly;
    var source = document.querySelector("script.vz-plotly-js");
    if (!source) return undefined;
    var module = { exports: {} };
    // the bundle declares `var Plotly`, local to this function; a UMD build fills `module`
    var tail = "\n;return typeof Plotly !== 'undefined' ? Plotly : module.exports;";
    window.Plotly = new Function("module", "exports", "define", source.textContent + tail)(
      module, module.exports, undefined);
    return window.Plotly;
  };
})();
