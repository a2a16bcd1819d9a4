// chirpy review: keyboard labelling. Labels go to /api/v1/labels as JSON; the page holds no state of its own.
"use strict";

const annotatorInput = document.getElementById("annotator");
annotatorInput.value = localStorage.getItem("chirpy-annotator") || document.body.dataset.annotator || "";
annotatorInput.addEventListener("change", () => {
  localStorage.setItem("chirpy-annotator", annotatorInput.value.trim());
  if (conversation) loadLabels();
});
const annotator = () => annotatorInput.value.trim() || document.body.dataset.annotator || "anonymous";

const conversation = document.getElementById("conversation");
const lines = conversation ? Array.from(conversation.querySelectorAll(".line")) : [];
let labels = [];
let focused = -1;

function status(text, bad) {
  const box = document.getElementById("status");
  if (!box) return;
  box.textContent = text;
  box.className = bad ? "bad" : "";
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method, headers: body ? {"Content-Type": "application/json"} : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  return data;
}

async function loadLabels() {
  const id = conversation.dataset.id;
  labels = (await api("GET", `/api/v1/labels?conversation_id=${encodeURIComponent(id)}`)).labels;
  render();
}

function render() {
  const me = annotator();
  for (const line of lines) {
    const turn = Number(line.dataset.turn), kind = line.dataset.kind;
    const here = labels.filter(l => l.turn_index === turn && l.kind === kind);
    const box = line.querySelector(".labels");
    box.replaceChildren(...here.map(l => {
      const chip = document.createElement("span");
      chip.className = "chip" + (l.annotator === me ? " mine" : "");
      chip.textContent = l.annotator === me ? l.value : `${l.value} (${l.annotator})`;
      return chip;
    }));
    for (const button of line.querySelectorAll(".choices button")) {
      button.classList.toggle("on", here.some(l => l.annotator === me && l.value === button.dataset.value));
    }
  }
  const reviewers = labels.filter(l => l.kind === "reviewed").map(l => l.annotator);
  document.getElementById("reviewers").textContent = reviewers.length ? reviewers.join(", ") : "nobody yet";
  document.getElementById("mark-reviewed").classList.toggle("on", reviewers.includes(me));
}

async function toggle(line, value) {
  const turn = Number(line.dataset.turn), kind = line.dataset.kind, me = annotator();
  const existing = labels.find(l => l.turn_index === turn && l.kind === kind && l.value === value && l.annotator === me);
  try {
    if (existing) {
      await api("DELETE", `/api/v1/labels/${existing.id}`);
      status(`removed ${value} from turn ${turn}`);
    } else {
      await api("POST", "/api/v1/labels", {conversation_id: conversation.dataset.id, turn_index: turn, kind, value,
                                           annotator: me});
      status(`labelled turn ${turn}: ${value}`);
    }
  } catch (error) {
    status(error.message, true);
  }
  await loadLabels();
}

async function clearLine(line) {
  const turn = Number(line.dataset.turn), kind = line.dataset.kind, me = annotator();
  for (const l of labels.filter(l => l.turn_index === turn && l.kind === kind && l.annotator === me)) {
    await api("DELETE", `/api/v1/labels/${l.id}`);
  }
  status(`cleared turn ${turn}`);
  await loadLabels();
}

async function markReviewed(goNext) {
  const me = annotator();
  const mine = labels.find(l => l.kind === "reviewed" && l.annotator === me);
  if (!mine) {
    await api("POST", "/api/v1/labels", {conversation_id: conversation.dataset.id, kind: "reviewed",
                                         value: "complete", annotator: me});
    status("marked reviewed");
  }
  await loadLabels();
  if (goNext && conversation.dataset.next) location.href = conversation.dataset.next;
}

function focusLine(i) {
  if (!lines.length) return;
  focused = Math.max(0, Math.min(lines.length - 1, i));
  lines[focused].focus();
}

if (conversation) {
  lines.forEach((line, i) => {
    line.addEventListener("focus", () => { focused = i; });
    for (const button of line.querySelectorAll(".choices button")) {
      button.addEventListener("click", () => toggle(line, button.dataset.value));
    }
  });
  document.getElementById("mark-reviewed").addEventListener("click", () => markReviewed(false));
  loadLabels().catch(error => status(error.message, true));
}

document.addEventListener("keydown", event => {
  if (event.target.matches("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  if (key === "?") { const help = document.getElementById("help"); if (help) help.hidden = !help.hidden; return; }
  if (!conversation) return;
  if (key === "j" || key === "ArrowDown") { event.preventDefault(); focusLine(focused + 1); }
  else if (key === "k" || key === "ArrowUp") { event.preventDefault(); focusLine(focused - 1); }
  else if (key === "n" && conversation.dataset.next) location.href = conversation.dataset.next;
  else if (key === "p" && conversation.dataset.previous) location.href = conversation.dataset.previous;
  else if (key === "d") markReviewed(true).catch(error => status(error.message, true));
  else if (/^[0-9]$/.test(key) && focused >= 0) {
    const line = lines[focused];
    if (key === "0") { clearLine(line); return; }
    const button = line.querySelectorAll(".choices button")[Number(key) - 1];
    if (button) toggle(line, button.dataset.value);
  } else if (key === "o" && focused >= 0) {
    const details = lines[focused].closest(".turn").querySelector("details.debug");
    details.open = !details.open;
  }
});
