// vizlib report: opens each cassette's compressed section when it is first shown, renders its
// figures on demand and drives the assembly slider. Section markup comes from vizlib's escaping
// templates; cassette text in data is written with textContent only. Nothing is built from strings
// as code.
(function () {
  "use strict";
  var parsed = {};
  var opening = {};
  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var template = json("vz-template");
  var defaults = json("vz-layout") || {};
  function data(key) {
    return key in parsed ? parsed[key] : null;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function inflate(text) {
    var binary = atob(text.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }
  function layoutOf(fig) {
    var layout = Object.assign({}, defaults, fig.layout);
    if (template) layout.template = template;
    return layout;
  }
  function renderPlots(root) {
    root.querySelectorAll(".vz-plot").forEach(function (div) {
      if (div.dataset.rendered || div.closest("[hidden]")) return;
      if (div.closest("details:not([open])")) return;
      var fig = data(div.dataset.figure);
      if (!fig) return;
      div.dataset.rendered = "1";
      Plotly.newPlot(div, fig.data, layoutOf(fig), {responsive: true, displaylogo: false});
      if (div.dataset.selects) div.on("plotly_click", function (event) { selectNode(div, event); });
    });
  }
  function selectNode(div, event) {
    var point = event && event.points && event.points[0];
    if (!point || point.customdata === undefined || point.customdata === null) return;
    var select = div.closest(".vz-cassette").querySelector(".vz-select");
    if (!select) return;
    select.value = String(point.customdata);
    select.dispatchEvent(new Event("change"));
  }
  function badge(ok, yes, no, unknown, message) {
    var cls = ok === null || ok === undefined ? "vz-na" : ok ? "vz-ok" : "vz-bad";
    var text = ok === null || ok === undefined ? unknown : ok ? yes : no;
    var span = el("span", "vz-badge " + cls, text);
    if (message) span.title = message;
    return span;
  }
  function upper(seqs, seq) {
    var lo = 0, hi = seqs.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (seqs[mid] <= seq) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function cutNote(box, n, what) {
    if (n) box.appendChild(el("p", "vz-cut vz-muted", "… " + n.toLocaleString("en-US") + " more " + what + " not shown"));
  }
  function renderAssembly(panel) {
    var info = data(panel.dataset.assembly);
    var slider = panel.querySelector(".vz-slider");
    var seq = parseInt(slider.value, 10);
    var done = seq >= info.last;
    panel.querySelector(".vz-position").textContent = "chunk " + seq + " of " + info.last;
    var out = panel.querySelector(".vz-calls");
    out.replaceChildren();
    if (!info.calls.length) { out.appendChild(el("p", "vz-muted", "No tool calls in this interaction.")); return; }
    info.calls.forEach(function (call) {
      var box = el("div", "vz-call");
      box.dataset.toolIndex = call.index;
      box.appendChild(el("h4", null, "#" + call.index + " " + call.name + "  " + call.id + " · " + (call.seqs.length + call.cut) + " fragments"));
      var count = upper(call.seqs, seq);
      var text = done ? call.arguments : call.deltas.slice(0, count).join("");
      var newest = count > 0 && call.seqs[count - 1] === seq ? call.deltas[count - 1] : "";
      var pre = el("pre", "vz-args", done ? text : text.slice(0, text.length - newest.length));
      if (!done) pre.appendChild(el("mark", null, newest));
      box.appendChild(pre);
      if (done) cutNote(box, call.argumentsCut, "characters");
      else if (call.cut && count === call.seqs.length) cutNote(box, call.cut, "fragments");
      if (done) {
        var checks = el("div");
        checks.appendChild(badge(call.valid, "valid JSON", "not valid JSON", ""));
        checks.appendChild(document.createTextNode(" "));
        checks.appendChild(badge(call.schema, "schema: " + call.schemaMessage, "schema: " + call.schemaMessage, "schema: " + call.schemaMessage, call.schemaMessage));
        checks.appendChild(document.createTextNode(" "));
        checks.appendChild(badge(call.roundtrip, "round trip: sent back unchanged", "round trip: " + (call.change || "sent back changed"), "round trip: not sent back by a later request"));
        box.appendChild(checks);
        if (call.valid) box.appendChild(el("pre", "vz-parsed", call.pretty));
        var result = el("div", null, call.resultInteraction === null ? "result: " : "result (sent in interaction " + call.resultInteraction + "):");
        if (call.result === null) result.appendChild(el("span", "vz-muted", " no later request sent a result"));
        else result.appendChild(el("pre", "vz-result", call.result));
        box.appendChild(result);
        cutNote(box, call.resultCut, "characters");
      }
      out.appendChild(box);
    });
  }
  function initAssembly(panel) {
    if (panel.dataset.ready) return;
    panel.dataset.ready = "1";
    var info = data(panel.dataset.assembly);
    var slider = panel.querySelector(".vz-slider");
    slider.max = info.last;
    slider.value = info.last;
    slider.addEventListener("input", function () { renderAssembly(panel); });
    var timer = null;
    var button = panel.querySelector(".vz-play");
    button.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; button.textContent = "▶ play"; return; }
      if (parseInt(slider.value, 10) >= info.last) slider.value = 0;
      button.textContent = "❚❚ pause";
      timer = setInterval(function () {
        var next = parseInt(slider.value, 10) + 1;
        slider.value = next;
        renderAssembly(panel);
        if (next >= info.last) { clearInterval(timer); timer = null; button.textContent = "▶ play"; }
      }, 120);
    });
    renderAssembly(panel);
  }
  function download(button) {
    var text = data(button.dataset.body);
    if (text === null) return;
    var link = el("a");
    link.href = URL.createObjectURL(new Blob([text], {type: "text/plain"}));
    link.download = button.dataset.side + "-body.txt";
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }
  function wire(section) {
    var select = section.querySelector(".vz-select");
    if (select) {
      select.addEventListener("change", function () {
        section.querySelectorAll(".vz-interaction").forEach(function (div) {
          div.hidden = div.dataset.interaction !== select.value;
        });
        show(section);
      });
    }
    section.querySelectorAll(".vz-filter").forEach(function (input) {
      input.addEventListener("input", function () {
        var query = input.value.toLowerCase();
        input.parentElement.querySelectorAll(".vz-turn").forEach(function (turn) {
          var hit = query === "" || turn.textContent.toLowerCase().indexOf(query) >= 0;
          turn.classList.toggle("vz-hidden", !hit);
        });
      });
    });
    section.querySelectorAll(".vz-download").forEach(function (button) {
      button.addEventListener("click", function () { download(button); });
    });
    section.addEventListener("toggle", function () { show(section); }, true);
  }
  function show(section) {
    renderPlots(section);
    section.querySelectorAll(".vz-interaction:not([hidden]) .vz-assembly-panel").forEach(initAssembly);
  }
  // Inflate a section's payload once, write its markup, then draw what is visible.
  function activate(section) {
    var id = section.dataset.cassette;
    if (!(id in opening)) {
      var node = document.getElementById("vz-section-" + id);
      opening[id] = inflate(node.textContent).then(function (payload) {
        Object.assign(parsed, payload.data);
        var body = section.querySelector(".vz-body");
        body.innerHTML = payload.html;
        node.remove();
        wire(section);
      }).catch(function (error) {
        section.querySelector(".vz-body").replaceChildren(el("p", "vz-bad", "this section could not be opened: " + error));
        throw error;
      });
    }
    return opening[id].then(function () { if (section.open) show(section); });
  }
  document.querySelectorAll("details.vz-cassette").forEach(function (section) {
    section.addEventListener("toggle", function () { if (section.open) activate(section); });
  });
  document.querySelectorAll("table.vz-dashboard").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, column) {
      th.addEventListener("click", function () {
        var numeric = th.dataset.numeric === "1";
        var descending = th.dataset.order !== "desc";
        table.querySelectorAll("th").forEach(function (other) { delete other.dataset.order; });
        th.dataset.order = descending ? "desc" : "asc";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return !row.classList.contains("vz-error-row"); });
        var errors = Array.prototype.slice.call(body.querySelectorAll("tr.vz-error-row"));
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
          if (numeric) {
            x = x === "" ? -Infinity : parseFloat(x);
            y = y === "" ? -Infinity : parseFloat(y);
            return descending ? y - x : x - y;
          }
          return descending ? y.localeCompare(x) : x.localeCompare(y);
        });
        rows.concat(errors).forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.tagName === "DETAILS") { target.open = true; activate(target); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  document.querySelectorAll("details.vz-cassette[open]").forEach(activate);
  window.vizlibReport = {activate: activate, renderAssembly: renderAssembly};
})();
