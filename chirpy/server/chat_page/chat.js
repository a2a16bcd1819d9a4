// The /chat page: talks to the bot through the JSON API, shows each turn's candidates in the debug panel.
"use strict";

const log = document.getElementById("log");
const form = document.getElementById("say");
const input = document.getElementById("text");
const errorBox = document.getElementById("error");
const tokenBox = document.getElementById("token-box");
const tokenInput = document.getElementById("token");
let conversationId = null;

tokenInput.value = sessionStorage.getItem("chirpy-token") || "";
if (tokenInput.value) tokenBox.hidden = false;
tokenInput.addEventListener("change", () => sessionStorage.setItem("chirpy-token", tokenInput.value.trim()));

async function api(path, body) {
  const headers = {"Content-Type": "application/json"};
  const token = tokenInput.value.trim();
  if (token) headers["Authorization"] = `Bearer ${token}`;
  const response = await fetch(`/api/v1${path}`, {method: "POST", headers, body: JSON.stringify(body)});
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) tokenBox.hidden = false;  // this server wants its API token
  if (!response.ok) throw new Error(data.error ? data.error.message : `HTTP ${response.status}`);
  return data;
}

function say(who, text) {
  const line = document.createElement("p");
  line.className = `line ${who}`;
  line.textContent = text;
  log.appendChild(line);
  log.scrollTop = log.scrollHeight;
}

function showDebug(reply) {
  const debug = reply.debug;
  if (!debug) return;
  document.getElementById("debug-meta").textContent =
    `turn ${reply.turn_index} · ${debug.latency_ms} ms · ${debug.candidates.length} candidates`;
  const rows = debug.candidates.map(c => {
    const row = document.createElement("tr");
    if (c.chosen) row.className = "chosen";
    const scores = Object.entries(c.scores || {}).map(([k, v]) => `${k}=${typeof v === "number" ? v.toFixed(3) : v}`);
    for (const cell of [c.kind, c.responder, c.priority, c.chosen ? "yes" : "", c.rejected || "", scores.join(" "), c.text]) {
      const td = document.createElement("td");
      td.textContent = cell === undefined || cell === null ? "" : String(cell);
      row.appendChild(td);
    }
    return row;
  });
  document.getElementById("debug-rows").replaceChildren(...rows);
}

async function start() {
  errorBox.textContent = "";
  log.replaceChildren();
  try {
    const reply = await api("/conversations", {user_id: "web-chat"});
    conversationId = reply.conversation_id;
    document.getElementById("conversation-id").textContent = conversationId;
    say("bot", reply.text);
    input.disabled = false;
    input.focus();
  } catch (error) {
    errorBox.textContent = error.message;
  }
}

form.addEventListener("submit", async event => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  if (!conversationId) await start();
  errorBox.textContent = "";
  say("user", text);
  input.value = "";
  try {
    const reply = await api(`/conversations/${encodeURIComponent(conversationId)}/turns`, {text, debug: true});
    say("bot", reply.text);
    showDebug(reply);
    if (reply.ended) { say("note", "The bot ended the conversation. Start a new one to go on."); conversationId = null; }
  } catch (error) {
    errorBox.textContent = error.message;
  }
});

document.getElementById("new").addEventListener("click", start);
tokenInput.addEventListener("change", () => { if (!conversationId) start(); });
start();
