// vizlib charts: draws each figure of the model's `figures_json` (one JSON text) with plotly.js.
// plotly.js reaches the page once: a global already there is reused, or the one the kernel's
// loader widget is evaluating (vizlib.views.loader); otherwise the first chart asks its kernel
// for the bundle (one custom message, answered with one binary buffer) and every later chart
// on the page awaits the same promise.

const PENDING = "__vizlibPlotlyPending";
const CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
const INK = new Set(["#0f172a", "#111827"]);

function evaluate(source) {
  const module = { exports: {} };
  // vizlib's bundle declares `var Plotly`, which stays local to this function; a UMD build
  // handed a CommonJS module fills it instead. Either way no global is touched here.
  const tail = "\n;return typeof Plotly !== 'undefined' ? Plotly : module.exports;";
  return new Function("module", "exports", "define", source + tail)(module, module.exports, undefined);
}

function plotly(model) {
  if (globalThis.Plotly && globalThis.Plotly.react) return Promise.resolve(globalThis.Plotly);
  // a static copy of a view in this page may carry the bundle already
  const stored = globalThis.__vizlibPlotly && globalThis.__vizlibPlotly();
  if (stored) return Promise.resolve(stored);
  if (!globalThis[PENDING]) {
    globalThis[PENDING] = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        model.off("msg:custom", answer);
        globalThis[PENDING] = undefined;
        reject(new Error("vizlib: the kernel did not send plotly.js"));
      }, 60000);
      function answer(message, buffers) {
        if (!message || message.type !== "plotly") return;
        clearTimeout(timer);
        model.off("msg:custom", answer);
        try {
          const Plotly = evaluate(new TextDecoder().decode(buffers[0]));
          globalThis.Plotly = globalThis.Plotly || Plotly;
          resolve(globalThis.Plotly);
        } catch (error) {
          globalThis[PENDING] = undefined;
          reject(error);
        }
      }
      model.on("msg:custom", answer);
      model.send({ type: "plotly" });
    });
  }
  return globalThis[PENDING];
}

function dark() {
  return document.body.dataset.jpThemeLight === "false";
}

function themed(figure, el) {
  const style = getComputedStyle(el);
  const ink = style.getPropertyValue("--jp-ui-font-color1").trim() || (dark() ? "#e5e7eb" : "#0f172a");
  const grid = style.getPropertyValue("--jp-border-color2").trim() || (dark() ? "#374151" : "#e5e7eb");
  const layout = structuredClone(figure.layout || {});
  Object.assign(layout, {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: Object.assign({}, layout.font, { color: ink }),
  });
  for (const [key, axis] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key) && axis) {
      axis.gridcolor = grid;
      axis.zerolinecolor = grid;
      axis.linecolor = grid;
    }
  }
  for (const note of layout.annotations || []) note.font = Object.assign({}, note.font, { color: ink });
  const data = (figure.data || []).map((trace) => {
    const copy = Object.assign({}, trace);
    for (const part of ["line", "marker"]) {
      if (copy[part] && INK.has(copy[part].color)) copy[part] = Object.assign({}, copy[part], { color: ink });
    }
    return copy;
  });
  return { data, layout };
}

// The figures arrive as JSON text in a binary buffer (a DataView, or an ArrayBuffer), not as
// nested state; anything else is refused with a message, never drawn as nothing.
function parsed(buffer) {
  if (buffer instanceof ArrayBuffer || ArrayBuffer.isView(buffer)) {
    return buffer.byteLength ? JSON.parse(new TextDecoder().decode(buffer)) : [];
  }
  throw new Error(`vizlib: figures expected as a JSON buffer, got ${typeof buffer}`);
}

function render({ model, el }) {
  el.classList.add("vz-charts");
  const boxes = [];
  let Plotly = null;
  const draw = () => {
    if (!Plotly) return;
    let figures;
    try {
      figures = parsed(model.get("figures_json"));
    } catch (error) {
      el.textContent = String(error);
      return;
    }
    while (boxes.length > figures.length) {
      const box = boxes.pop();
      Plotly.purge(box);
      box.remove();
    }
    while (boxes.length < figures.length) {
      const box = document.createElement("div");
      box.className = "vz-chart";
      el.appendChild(box);
      boxes.push(box);
      box.dataset.bound = "";
    }
    figures.forEach((figure, i) => {
      const box = boxes[i];
      const { data, layout } = themed(figure, el);
      Plotly.react(box, data, layout, CONFIG);
      if (!box.dataset.bound) {
        box.dataset.bound = "1";
        box.on("plotly_click", (event) => {
          const point = event && event.points && event.points[0];
          // a timeline point carries [seq, ...]; a run-view node its interaction's index
          const data = point ? point.customdata : undefined;
          const seq = Array.isArray(data) ? Number(data[0]) : data === undefined || data === null ? NaN : Number(data);
          if (Number.isInteger(seq)) model.send({ type: "click", seq });
        });
      }
    });
    el.dataset.drawn = String(figures.length);
  };
  plotly(model).then((loaded) => {
    Plotly = loaded;
    draw();
  }, (error) => {
    el.textContent = String(error);
  });
  model.on("change:figures_json", draw);
  let width = 0;
  const resized = new ResizeObserver(() => {
    if (!Plotly || el.clientWidth === 0 || el.clientWidth === width) return;
    width = el.clientWidth;
    for (const box of boxes) Plotly.Plots.resize(box);
  });
  resized.observe(el);
  const theme = new MutationObserver(draw);
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  return () => {
    model.off("change:figures_json", draw);
    resized.disconnect();
    theme.disconnect();
    if (Plotly) for (const box of boxes) Plotly.purge(box);
  };
}

export default { render };
