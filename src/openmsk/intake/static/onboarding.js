// The onboarding questionnaire: one question per screen, drafts saved to the server after each answer.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("intake-config").textContent);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const base = `/api/v1/members/${config.member_id}/intake`;
  const screens = config.screens;
  const root = document.getElementById("intake-app");
  const bar = document.getElementById("progress-bar");
  const counter = document.getElementById("progress-text");
  let answers = {};
  let position = 0;

  function emptyAnswers() {
    const fresh = { lifestyle: Object.assign({}, config.prefill.lifestyle || {}) };
    for (const [id, n] of Object.entries(config.sizes)) fresh[id] = new Array(n).fill(null);
    return fresh;
  }

  function get(screen) {
    const group = answers[screen.instrument];
    return screen.index === null ? group[screen.item] : group[screen.index];
  }

  function set(screen, value) {
    if (screen.index === null) {
      if (value === null || value === undefined) delete answers.lifestyle[screen.item];
      else answers.lifestyle[screen.item] = value;
    } else {
      answers[screen.instrument][screen.index] = value;
    }
  }

  function skipped(screen) {
    return screen.skip_when_zero && answers.lifestyle[screen.skip_when_zero] === 0;
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }

  function saveDraft() {
    return api("PUT", `${base}/draft`, { answers, position });
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function input(screen) {
    const current = get(screen);
    const wrap = el("div", { class: "choices" });
    const scale = screen.kind === "integer" && !screen.options.length && screen.maximum !== null && screen.maximum <= 10;
    let options = screen.options;
    if (screen.kind === "boolean") options = [{ value: 0, label: "No" }, { value: 1, label: "Yes" }];
    if (scale) {
      wrap.classList.add("scale");
      options = [];
      for (let v = screen.minimum; v <= screen.maximum; v++) options.push({ value: v, label: String(v) });
    }
    if (options.length) {
      const multi = screen.kind === "multi_choice";
      options.forEach((option, i) => {
        const label = el("label");
        const box = el("input", { type: multi ? "checkbox" : "radio", name: "answer", value: i,
                                  "data-testid": `option-${option.value}` });
        const chosen = multi ? (current || []).includes(option.value) : current === option.value ||
          (screen.kind === "boolean" && current !== null && current !== undefined && Number(current) === option.value);
        box.checked = chosen;
        label.append(box, document.createTextNode(option.label));
        wrap.append(label);
      });
      wrap.read = () => {
        const picked = [...wrap.querySelectorAll("input:checked")].map((b) => options[Number(b.value)].value);
        if (multi) return picked.length ? picked : null;
        if (!picked.length) return null;
        return screen.kind === "boolean" ? picked[0] === 1 : picked[0];
      };
      return wrap;
    }
    const field = screen.kind === "text" ? el("textarea", { rows: 4, id: "answer" })
      : el("input", { type: "number", id: "answer", inputmode: "decimal",
                      step: screen.kind === "integer" ? "1" : "any" });
    if (screen.minimum !== null && screen.kind !== "text") field.min = screen.minimum;
    if (screen.maximum !== null && screen.kind !== "text") field.max = screen.maximum;
    if (current !== undefined && current !== null) field.value = current;
    wrap.append(field);
    wrap.read = () => {
      if (field.value.trim() === "") return null;
      if (screen.kind === "text") return field.value;
      const n = Number(field.value);
      return screen.kind === "integer" ? Math.round(n) === n ? n : NaN : n;
    };
    return wrap;
  }

  function render() {
    while (position < screens.length && skipped(screens[position])) position++;
    bar.style.width = `${Math.round((position / screens.length) * 100)}%`;
    root.replaceChildren();
    if (position >= screens.length) return renderReview();
    counter.textContent = `Question ${position + 1} of ${screens.length}`;
    const screen = screens[position];
    const field = input(screen);
    const error = el("p", { class: "error", role: "alert", hidden: "" });
    const back = el("button", { type: "button", class: "secondary" }, "Back");
    const next = el("button", { type: "button", "data-testid": "next" }, "Next");
    back.disabled = position === 0;
    back.onclick = () => { position = Math.max(0, position - 1); while (position > 0 && skipped(screens[position])) position--; render(); };
    next.onclick = async () => {
      const value = field.read();
      if (Number.isNaN(value) || (typeof value === "number" && ((screen.minimum !== null && value < screen.minimum) ||
          (screen.maximum !== null && value > screen.maximum)))) {
        error.textContent = `Please enter a number from ${screen.minimum} to ${screen.maximum}.`;
        error.hidden = false;
        return;
      }
      if (value === null && screen.required) {
        error.textContent = "Please choose an answer to continue.";
        error.hidden = false;
        return;
      }
      set(screen, value);
      position += 1;
      next.disabled = true;
      await saveDraft();
      render();
    };
    const actions = el("div", { class: "actions" });
    actions.append(back, next);
    root.append(el("p", { class: "muted" }, screen.section), el("p", { class: "question", id: "question" }, screen.text),
                field, error, actions);
    if (!screen.required) root.append(el("p", { class: "muted" }, "You may leave this blank and press Next."));
  }

  function renderReview() {
    counter.textContent = "All questions answered";
    const error = el("p", { class: "error", role: "alert", hidden: "" });
    const back = el("button", { type: "button", class: "secondary" }, "Back");
    const send = el("button", { type: "button", "data-testid": "submit-intake" }, "Send my answers");
    back.onclick = () => { position = screens.length - 1; while (position > 0 && skipped(screens[position])) position--; render(); };
    send.onclick = async () => {
      send.disabled = true;
      let key = localStorage.getItem(`intake-key-${config.member_id}`);
      if (!key) {
        key = `intake-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
        localStorage.setItem(`intake-key-${config.member_id}`, key);
      }
      const result = await api("POST", base, { answers: cleaned(), idempotency_key: key });
      if (result.ok || result.status === 409) {
        window.location.assign("/me/intake/results");
        return;
      }
      error.textContent = (result.data.error && result.data.error.message) || "Something went wrong; please try again.";
      error.hidden = false;
      send.disabled = false;
    };
    const actions = el("div", { class: "actions" });
    actions.append(back, send);
    root.append(el("p", { class: "question" }, "Thank you. Ready to send your answers to your care team?"),
                error, actions);
  }

  function cleaned() {
    const out = {};
    for (const [id, value] of Object.entries(answers)) out[id] = value;
    return out;
  }

  (async function start() {
    answers = emptyAnswers();
    const draft = await api("GET", `${base}/draft`);
    if (draft.ok && draft.data.answers && Object.keys(draft.data.answers).length) {
      Object.assign(answers, draft.data.answers);
      answers.lifestyle = Object.assign({}, config.prefill.lifestyle || {}, answers.lifestyle || {});
      position = Math.min(draft.data.position || 0, screens.length);
    }
    render();
  })();
})();
