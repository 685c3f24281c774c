// vizlib: plotly.js for the page, from a widget created once per kernel whose state holds the
// bundle as one binary buffer. It is evaluated as soon as the model exists (no view needed),
// while the kernel goes on building the first view; charts await the same promise.
const PENDING = "__vizlibPlotlyPending";

function evaluate(source) {
  const module = { exports: {} };
  const tail = "\n;return typeof Plotly !== 'undefined' ? Plotly : module.exports;";
  return new Function("module", "exports", "define", source + tail)(module, module.exports, undefined);
}

function initialize({ model }) {
  if ((globalThis.Plotly && globalThis.Plotly.react) || globalThis[PENDING]) return;
  const source = model.get("source");
  globalThis[PENDING] = new Promise((resolve, reject) => {
    setTimeout(() => {
      try {
        const bytes = source instanceof DataView ? source : new DataView(source.buffer || source);
        globalThis.Plotly = globalThis.Plotly || evaluate(new TextDecoder().decode(bytes));
        resolve(globalThis.Plotly);
      } catch (error) {
        globalThis[PENDING] = undefined;
        reject(error);
      }
    }, 0);
  });
}

export default { initialize };
