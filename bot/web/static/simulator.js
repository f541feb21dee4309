// The simulator page: pick an identity, send what a chat app would send, long-poll for the bot's answers.
"use strict";

const T = JSON.parse(document.getElementById("sim-texts").textContent);
const LANG = document.documentElement.lang;
const WAIT_SECONDS = 25;

const $ = (id) => document.getElementById(id);
// `acted`: the person did something since the bot's last buttons came; only an answer to that replaces them
// (a notice such as a broadcast's progress, or a change of rich menu, leaves them as they are).
const state = { identity: null, lastId: 0, generation: 0, ask: "", acted: false };

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_match, key) => values[key]);
}

async function api(path, options) {
  const separator = path.includes("?") ? "&" : "?";
  const response = await fetch(`/simulator/api/${path}${separator}lang=${LANG}`, options);
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

// ---------------------------------------------------------------- identities

function identityCard(title, detail, extraClass, onPick) {
  const card = element("button", `identity ${extraClass}`);
  card.type = "button";
  card.append(element("span", "identity-role", title));
  if (detail) card.append(element("span", "identity-line", detail));
  card.addEventListener("click", onPick);
  return card;
}

function randomCitizen() {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return "citizen-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function loadIdentities() {
  const list = $("identities");
  const { ok, body } = await api("identities");
  const people = ok ? body.identities : [];
  for (const person of people) {
    const detail = [person.display_name, person.province].filter(Boolean).join(" · ");
    const card = identityCard(person.role_label, detail, `role-${person.role}`, () =>
      pick(person.identity, `${person.role_label} · ${detail}`),
    );
    card.dataset.identity = person.identity;
    list.append(card);
  }
  $("no-identities").hidden = people.length > 0;
  const newcomer = identityCard(T.new_citizen, T.new_citizen_hint, "role-new", () => {
    const identity = randomCitizen(); // a fresh person every time, as on first contact
    pick(identity, `${T.new_citizen} · ${identity}`);
  });
  list.append(newcomer);
}

// The identity is in the address (?as=…), so the language switch and a reload come back to the same chat.
function remember(identity) {
  const url = new URL(window.location.href);
  if (identity) url.searchParams.set("as", identity);
  else url.searchParams.delete("as");
  url.searchParams.set("lang", LANG);
  window.history.replaceState(null, "", url);
  const other = new URL(url);
  other.searchParams.set("lang", $("lang").dataset.lang);
  $("lang").href = other.search;
}

function rememberedIdentity() {
  const identity = new URL(window.location.href).searchParams.get("as");
  return identity && /^[a-z0-9-]{1,40}$/.test(identity) ? identity : null;
}

// The header and the rich menu follow the person's role as stored (an officer who just registered).
async function showPerson(identity) {
  const { ok, body } = await api(`person?identity=${encodeURIComponent(identity)}`);
  if (!ok || identity !== state.identity) return;
  const detail = [body.display_name, body.province].filter(Boolean).join(" · ") || identity;
  const stored = body.locale !== null;
  $("who").textContent = stored ? `${body.role_label} · ${detail}` : `${T.new_citizen} · ${identity}`;
  showRichMenu(body.menu);
}

function showRichMenu(buttons) {
  const grid = $("richmenu-buttons");
  grid.replaceChildren();
  for (const button of buttons) {
    const item = element("button", "rich", button.label);
    item.type = "button";
    item.dataset.code = button.code;
    item.addEventListener("click", () => act({ choice: button.code }, button.label));
    grid.append(item);
  }
  $("richmenu").hidden = buttons.length === 0;
}

function pick(identity, label) {
  state.identity = identity;
  state.lastId = 0;
  state.generation += 1;
  state.acted = false;
  remember(identity);
  $("who").textContent = label;
  showPerson(identity);
  $("log").replaceChildren();
  $("picker").hidden = true;
  $("chat").hidden = false;
  $("composer").hidden = false;
  $("switch").hidden = false;
  setAsk("");
  showError("");
  $("text").focus();
  receive(state.generation);
}

function unpick() {
  state.identity = null;
  state.generation += 1;
  remember(null);
  $("richmenu").hidden = true;
  $("picker").hidden = false;
  $("chat").hidden = true;
  $("composer").hidden = true;
  $("switch").hidden = true;
  $("who").textContent = T.subtitle;
}

// ---------------------------------------------------------------- rendering

function scrollToEnd() {
  const chat = $("chat");
  chat.scrollTop = chat.scrollHeight;
}

function addItem(node) {
  $("log").append(node);
  scrollToEnd();
}

function userBubble(text) {
  const item = element("li", "from-user");
  item.append(element("div", "bubble user", text));
  addItem(item);
}

function renderCard(card) {
  const box = element("div", "card");
  box.append(element("div", "card-title", card.title));
  if (card.subtitle) box.append(element("div", "card-subtitle", card.subtitle));
  if (card.fields.length) {
    const fields = element("dl", "card-fields");
    for (const field of card.fields) {
      fields.append(element("dt", "", field.label), element("dd", "", field.value));
    }
    box.append(fields);
  }
  if (card.progress_percent !== null && card.progress_percent !== undefined) {
    const percent = Math.max(0, Math.min(100, card.progress_percent));
    const bar = element("div", "progress");
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuenow", String(Math.round(percent)));
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    const fill = element("div", "progress-fill");
    fill.style.width = `${percent}%`;
    bar.append(fill);
    box.append(bar, element("div", "progress-label", `${Math.round(percent)}%`));
  }
  if (card.footer) box.append(element("div", "card-footer", card.footer));
  return box;
}

function renderChoices(choices) {
  const group = element("div", "choices current");
  for (const choice of choices) {
    const button = element("button", "choice", choice.label); // cut as LINE cuts it
    button.type = "button";
    button.dataset.code = choice.code;
    button.title = choice.display_text;
    button.addEventListener("click", () => {
      group.classList.remove("current"); // answered, as a chat app hides quick replies once one is tapped
      act({ choice: choice.code }, choice.display_text); // LINE's display text: the full label
    });
    group.append(button);
  }
  return group;
}

function renderReply(reply) {
  const item = element("li", "from-bot");
  const bubble = element("div", "bubble bot");
  if (reply.image_media_id || reply.image_url) {
    const image = element("img", "picture");
    image.src = reply.image_url || reply.image_path;
    image.alt = "";
    image.loading = "lazy";
    bubble.append(image);
  }
  if (reply.card) bubble.append(renderCard(reply.card));
  if (reply.text) bubble.append(element("div", "text", reply.text));
  if (reply.document_media_id) {
    const link = element("a", "document", T.download);
    link.href = reply.document_path;
    link.download = "";
    bubble.append(link);
  }
  item.append(bubble);
  if (reply.choices.length) item.append(renderChoices(reply.choices));
  return item;
}

// A change of rich menu (the person's role changed) is no message on LINE: the menu under the chat changes.
function changeMenu(reply) {
  showRichMenu(reply.menu);
  addItem(element("li", "divider menu-changed", format(T.menu_changed, { role: reply.role_label })));
  showPerson(state.identity);
}

function renderMessages(messages) {
  const replies = messages.flatMap((message) => message.replies);
  const shown = replies.filter((reply) => !reply.menu);
  const answers = shown.some((reply) => reply.choices.length) || (state.acted && shown.length > 0);
  if (answers) {
    for (const old of document.querySelectorAll(".choices.current")) old.classList.remove("current");
    state.acted = false;
  }
  for (const reply of replies) {
    if (reply.menu) changeMenu(reply);
    else addItem(renderReply(reply));
  }
  if (answers) {
    // As on LINE, only the latest buttons are live: earlier messages of the same batch (the history) keep theirs
    // greyed.
    const live = document.querySelectorAll(".choices.current");
    live.forEach((group, index) => group.classList.toggle("current", index === live.length - 1));
    setAsk(shown[shown.length - 1].ask || "");
  }
}

function setAsk(ask) {
  state.ask = ask;
  $("location-panel").hidden = ask !== "location";
  $("photo-panel").hidden = ask !== "photo";
  $("location-button").classList.toggle("wanted", ask === "location");
  $("photo-button").classList.toggle("wanted", ask === "photo");
  scrollToEnd();
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

// ---------------------------------------------------------------- talking to the server

async function receive(generation) {
  let history = true;
  while (generation === state.generation) {
    const wait = history ? 0 : WAIT_SECONDS;
    const query = `messages?identity=${encodeURIComponent(state.identity)}&after=${state.lastId}&wait=${wait}`;
    try {
      const { ok, body } = await api(query);
      if (generation !== state.generation) return;
      if (!ok) throw new Error(body.message || String(body.error));
      if (history && body.messages.length && state.lastId === 0) {
        addItem(element("li", "divider", T.history));
      }
      renderMessages(body.messages);
      state.lastId = body.last_id;
      if (body.messages.length === 0) history = false;
      if ($("error").dataset.network) { showError(""); delete $("error").dataset.network; }
    } catch (_error) {
      if (generation !== state.generation) return;
      showError(T.network_error);
      $("error").dataset.network = "1";
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

// The person did something: their bubble, then the request.
function act(payload, bubble) {
  state.acted = true;
  userBubble(bubble);
  send(payload);
}

async function send(payload) {
  showError("");
  const options = payload instanceof FormData
    ? { method: "POST", body: payload }
    : {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ identity: state.identity, locale: LANG, ...payload }),
      };
  try {
    const { ok, body } = await api("send", options);
    if (!ok) showError(body.message || T.send_failed);
  } catch (_error) {
    showError(T.send_failed);
  }
}

function sendText(event) {
  event.preventDefault();
  const input = $("text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  act({ text }, text);
}

function sendLocation(latitude, longitude) {
  const lat = Number(latitude);
  const lon = Number(longitude);
  if (latitude === "" || longitude === "" || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
    showError(T.bad_location);
    return;
  }
  $("location-panel").hidden = true;
  act({ location: { latitude: lat, longitude: lon } }, format(T.sent_location, { latitude: lat.toFixed(4), longitude: lon.toFixed(4) }));
}

function sendPhoto() {
  const input = $("photo-input");
  const file = input.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("identity", state.identity);
  form.append("locale", LANG);
  form.append("photo", file);
  input.value = "";
  const item = element("li", "from-user");
  const bubble = element("div", "bubble user");
  const preview = element("img", "picture");
  preview.src = URL.createObjectURL(file);
  preview.alt = T.sent_photo;
  bubble.append(preview);
  item.append(bubble);
  addItem(item);
  $("photo-panel").hidden = true;
  state.acted = true;
  send(form);
}

function toggle(panelId) {
  const panel = $(panelId);
  const opening = panel.hidden;
  $("location-panel").hidden = true;
  $("photo-panel").hidden = true;
  panel.hidden = !opening;
  scrollToEnd();
}

function wire() {
  $("form").addEventListener("submit", sendText);
  $("switch").addEventListener("click", unpick);
  $("location-button").addEventListener("click", () => toggle("location-panel"));
  $("photo-button").addEventListener("click", () => $("photo-input").click());
  $("pick-photo").addEventListener("click", () => $("photo-input").click());
  $("photo-input").addEventListener("change", sendPhoto);
  $("send-location").addEventListener("click", () => sendLocation($("lat").value, $("lon").value));
  $("richmenu-toggle").addEventListener("click", () => {
    const grid = $("richmenu-buttons");
    grid.hidden = !grid.hidden;
    $("richmenu-toggle").setAttribute("aria-expanded", String(!grid.hidden));
  });
  for (const preset of document.querySelectorAll(".preset")) {
    preset.addEventListener("click", () => {
      $("lat").value = preset.dataset.lat;
      $("lon").value = preset.dataset.lon;
    });
  }
}

wire();
loadIdentities();
const returning = rememberedIdentity();
if (returning) pick(returning, returning); // the header is filled in once the person is read

