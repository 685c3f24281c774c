// vizlib view hooks: what the ipywidgets cannot say themselves. Marks the view live (so
// its static copy hides), keeps the slider's keys away from the notebook's shortcuts,
// and turns clicks on copy buttons, interaction links, cassette names and column
// headers into messages for the kernel.

function copy(button) {
  const target = button.nextElementSibling;
  const text = target ? target.textContent : "";
  const done = () => {
    button.textContent = "copied";
    setTimeout(() => { button.textContent = "copy"; }, 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallback(text, done));
  } else {
    fallback(text, done);
  }
}

function fallback(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  area.style.cssText = "position:fixed;opacity:0";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); done(); } catch (e) { /* nothing to copy with */ }
  area.remove();
}

function attach(root, model) {
  root.classList.add("vz-live");
  // Lumino matches a shortcut's selector from the key's target upwards and stops at the first
  // element marked data-lm-suppress-shortcuts; a selector such as Notebook 7's
  // `.jp-mod-commandMode :focus:not(:read-write)` matches the focused handle itself, so every
  // element of the controls is marked, not only their box.
  const guard = () => {
    for (const el of root.querySelectorAll(".vz-keys, .vz-keys *")) {
      if (!el.hasAttribute("data-lm-suppress-shortcuts")) el.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  };
  guard();
  const watch = new MutationObserver(guard);
  watch.observe(root, { childList: true, subtree: true });
  const click = (event) => {
    const target = event.target.closest("[data-vz-copy], [data-vz-goto], [data-vz-open], th[data-key]");
    if (!target || target.closest(".vz-view") !== root) return;
    event.preventDefault();
    if (target.hasAttribute("data-vz-copy")) copy(target);
    else if (target.hasAttribute("data-vz-goto")) model.send({ type: "goto", interaction: Number(target.dataset.vzGoto) });
    else if (target.hasAttribute("data-vz-open")) model.send({ type: "open", position: Number(target.dataset.vzOpen) });
    else model.send({ type: "sort", key: target.dataset.key });
  };
  root.addEventListener("click", click);
  return () => {
    watch.disconnect();
    root.removeEventListener("click", click);
  };
}

function render({ model, el }) {
  el.classList.add("vz-hooks");
  let detach = null;
  let tries = 0;
  const find = () => {
    const root = el.closest(".vz-view");
    if (root) detach = attach(root, model);
    else if (tries++ < 600) requestAnimationFrame(find);
  };
  find();
  return () => detach && detach();
}

export default { render };
