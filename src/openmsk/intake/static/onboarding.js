// The onboarding questionnaire and the reassessments: one question per screen, drafts saved to the server
// after each answer, a progress bar over the screens this member actually sees (the flow is dynamic).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("intake-config").textContent);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const screens = config.screens;
  const root = document.getElementById("intake-app");
  const bar = document.getElementById("progress-bar");
  const counter = document.getElementById("progress-text");
  const reassessing = config.mode === "reassessment";
  let answers = {};
  let activities = [];
  let position = 0;
  let key = config.key || null;

  function emptyAnswers() {
    const fresh = { lifestyle: Object.assign({}, (config.prefill && config.prefill.lifestyle) || {}) };
    for (const [id, n] of Object.entries(config.sizes)) fresh[id] = new Array(n).fill(null);
    return fresh;
  }

  // Mirrors openmsk.intake.questions.applies.
  function applies(screen) {
    const life = answers.lifestyle || {};
    if (screen.when_regions) return (life.body_regions || []).some((r) => screen.when_regions.includes(r));
    return !(screen.skip_when_zero && life[screen.skip_when_zero] === 0);
  }

  function visible() {
    return screens.filter(applies);
  }

  function get(screen) {
    const group = answers[screen.instrument];
    if (screen.kind === "activity") return { name: screen.activity || activities[screen.index] || "", rating: group[screen.index] };
    return screen.index === null ? group[screen.item] : group[screen.index];
  }

  function set(screen, value) {
    if (screen.kind === "activity") {
      if (!screen.activity) activities[screen.index] = value.name;
      answers.psfs[screen.index] = value.rating;
    } else if (screen.index === null) {
      if (value === null || value === undefined) delete answers.lifestyle[screen.item];
      else answers.lifestyle[screen.item] = value;
    } else {
      answers[screen.instrument][screen.index] = value;
    }
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
    if (reassessing) return api("PUT", config.draft_url, { answers: answers[config.instrument], position, idempotency_key: key });
    return api("PUT", config.draft_url, { answers, psfs_activities: activities, position });
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function numberScale(minimum, maximum) {
    const options = [];
    for (let v = minimum; v <= maximum; v++) options.push({ value: v, label: String(v) });
    return options;
  }

  function choices(screen, options, current, multi) {
    const wrap = el("div", { class: "choices" });
    options.forEach((option, i) => {
      const label = el("label");
      const box = el("input", { type: multi ? "checkbox" : "radio", name: "answer", value: i,
                                "data-testid": `option-${option.value}` });
      box.checked = multi ? (current || []).includes(option.value) : current === option.value ||
        (screen.kind === "boolean" && current !== null && current !== undefined && Number(current) === option.value);
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

  function activityInput(screen) {
    const current = get(screen);
    const wrap = el("div", { class: "activity" });
    let name;
    if (screen.activity) {
      wrap.append(el("p", { class: "activity-name", "data-testid": "activity-name" }, screen.activity));
    } else {
      wrap.append(el("label", { for: "activity" }, "Activity"));
      name = el("input", { type: "text", id: "activity", maxlength: screen.max_length, autocomplete: "off" });
      name.value = current.name || "";
      wrap.append(name);
    }
    wrap.append(el("p", { class: "muted" }, screen.text));
    const rating = choices(screen, numberScale(screen.minimum, screen.maximum), current.rating, false);
    rating.classList.add("scale");
    wrap.append(rating);
    wrap.read = () => ({ name: name ? name.value.trim() : screen.activity, rating: rating.read() });
    return wrap;
  }

  function input(screen) {
    if (screen.kind === "activity") return activityInput(screen);
    const current = get(screen);
    if (screen.kind === "boolean") return choices(screen, [{ value: 0, label: "No" }, { value: 1, label: "Yes" }], current, false);
    if (screen.options.length) return choices(screen, screen.options, current, screen.kind === "multi_choice");
    if (screen.kind === "integer" && screen.maximum !== null && screen.maximum <= 10) {
      const scale = choices(screen, numberScale(screen.minimum, screen.maximum), current, false);
      scale.classList.add("scale");
      return scale;
    }
    const wrap = el("div", { class: "choices" });
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

  function problem(screen, value) {
    if (screen.kind === "activity") {
      if (!value.name) return "Please name the activity.";
      return value.rating === null ? "Please rate the activity to continue." : null;
    }
    if (Number.isNaN(value) || (typeof value === "number" && ((screen.minimum !== null && value < screen.minimum) ||
        (screen.maximum !== null && value > screen.maximum)))) {
      return `Please enter a number from ${screen.minimum} to ${screen.maximum}.`;
    }
    return value === null && screen.required ? "Please choose an answer to continue." : null;
  }

  function render() {
    const shown = visible();
    position = Math.min(position, shown.length);
    bar.style.width = `${Math.round((position / shown.length) * 100)}%`;
    root.replaceChildren();
    if (position >= shown.length) return renderReview();
    counter.textContent = `Question ${position + 1} of ${shown.length}`;
    const screen = shown[position];
    const field = input(screen);
    const error = el("p", { class: "error", role: "alert", hidden: "" });
    const back = el("button", { type: "button", class: "secondary" }, "Back");
    const next = el("button", { type: "button", "data-testid": "next" }, "Next");
    back.disabled = position === 0;
    back.onclick = () => { position = Math.max(0, position - 1); render(); };
    next.onclick = async () => {
      const value = field.read();
      const message = problem(screen, value);
      if (message) {
        error.textContent = message;
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
    root.append(el("p", { class: "muted" }, screen.section));
    if (screen.counter) root.append(el("p", { class: "muted", "data-testid": "item-counter" }, screen.counter));
    const prompt = screen.kind === "activity" ? screen.prompt : screen.text;
    root.append(el("p", { class: "question", id: "question" }, prompt));
    if (screen.note) root.append(el("p", { class: "licence-note", "data-testid": "licensed-note" }, screen.note));
    root.append(field, error, actions);
    if (!screen.required) root.append(el("p", { class: "muted" }, "You may leave this blank and press Next."));
  }

  function document_() {
    const shown = new Set(visible().map((s) => s.instrument));
    const out = {};
    for (const [id, value] of Object.entries(answers)) if (id === "lifestyle" || shown.has(id)) out[id] = value;
    return { answers: out, psfs_activities: shown.has("psfs") ? activities.map((a) => a.trim()) : [] };
  }

  async function send() {
    if (reassessing) {
      const result = await api("POST", config.submit_url,
                               { instrument: config.instrument, answers: answers[config.instrument], idempotency_key: key });
      if (result.ok) {
        const crisis = result.data.crisis_resources ? "&crisis=1" : "";
        window.location.assign(`/me/reassessments?done=${config.instrument}${crisis}`);
      }
      return result;
    }
    key = localStorage.getItem(`intake-key-${config.member_id}`);
    if (!key) {
      key = `intake-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
      localStorage.setItem(`intake-key-${config.member_id}`, key);
    }
    const result = await api("POST", config.submit_url, Object.assign(document_(), { idempotency_key: key }));
    if (result.ok || result.status === 409) window.location.assign(config.done_url);
    return result;
  }

  function renderReview() {
    counter.textContent = "All questions answered";
    const error = el("p", { class: "error", role: "alert", hidden: "" });
    const back = el("button", { type: "button", class: "secondary" }, "Back");
    const submit = el("button", { type: "button", "data-testid": "submit-intake" }, "Send my answers");
    back.onclick = () => { position = visible().length - 1; render(); };
    submit.onclick = async () => {
      submit.disabled = true;
      const result = await send();
      if (result.ok || (!reassessing && result.status === 409)) return;
      error.textContent = (result.data.error && result.data.error.message) || "Something went wrong; please try again.";
      error.hidden = false;
      submit.disabled = false;
    };
    const actions = el("div", { class: "actions" });
    actions.append(back, submit);
    root.append(el("p", { class: "question" }, "Thank you. Ready to send your answers to your care team?"),
                error, actions);
  }

  (async function start() {
    answers = emptyAnswers();
    activities = new Array(config.sizes.psfs || 0).fill("");
    const draft = await api("GET", config.draft_url);
    if (reassessing && draft.ok && draft.data.answers && draft.data.answers.length) {
      answers[config.instrument] = draft.data.answers;
      key = draft.data.idempotency_key || key;
      position = draft.data.position || 0;
    } else if (!reassessing && draft.ok && draft.data.answers && Object.keys(draft.data.answers).length) {
      Object.assign(answers, draft.data.answers);
      answers.lifestyle = Object.assign({}, (config.prefill && config.prefill.lifestyle) || {}, answers.lifestyle || {});
      (draft.data.psfs_activities || []).forEach((name, i) => { activities[i] = name; });
      position = draft.data.position || 0;
    }
    render();
  })();
})();
