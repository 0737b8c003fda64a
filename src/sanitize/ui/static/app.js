// The settings page's switches, as the command line reads them ([tool.sanitize]).
const SWITCHES = ["keep_notes", "keep_annotations", "keep_bookmarks", "keep_hidden", "keep_forms", "strip_tracking", "flatten_raster"];
// The page: cards for dropped files, the draft review, the settings form.
// Plain DOM, no framework and no build step. Text from files is only ever set with
// textContent, never parsed as HTML.
import { MESSAGES, pickLanguage } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let lang = pickLanguage(localStorage.getItem("sanitize-lang"), navigator.languages);
const cards = new Map(); // item id (or a temporary upload id) -> {data, element}
const MAX_PARALLEL_UPLOADS = 3;

function t(key, values = {}) {
  const text = (MESSAGES[lang] && MESSAGES[lang][key]) || MESSAGES.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function announce(text) {
  $("announce").textContent = text;
}

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = (await response.json()).error || message;
    } catch (_) {
      /* not JSON */
    }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

// ---------------------------------------------------------------- language

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  }
  const button = $("lang");
  button.textContent = lang === "fr" ? "EN" : "FR";
  button.setAttribute("aria-label", t("switch_to"));
  for (const entry of cards.values()) renderCard(entry);
  renderSummary();
  if (review.data) renderReview();
  if (settingsData) renderEntities();
}

$("lang").addEventListener("click", () => {
  lang = lang === "fr" ? "en" : "fr";
  localStorage.setItem("sanitize-lang", lang);
  applyLanguage();
});

// ---------------------------------------------------------------- tabs

const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-settings") loadSettings();
}
for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const moves = { ArrowRight: 1, ArrowLeft: -1 };
    if (event.key in moves) {
      selectTab(tabs[(index + moves[event.key] + tabs.length) % tabs.length], true);
      event.preventDefault();
    }
  });
}

// ---------------------------------------------------------------- files: upload

const queue = [];
let running = 0;

function addFiles(list) {
  for (const { file, name } of list) {
    const tempId = `upload-${Math.random().toString(36).slice(2)}`;
    const entry = { data: { id: tempId, name, size: file.size, uploading: 0 }, element: null };
    cards.set(tempId, entry);
    renderCard(entry);
    queue.push({ file, name, entry, tempId });
  }
  renderSummary();
  pump();
}

function pump() {
  while (running < MAX_PARALLEL_UPLOADS && queue.length) {
    const job = queue.shift();
    running += 1;
    upload(job).finally(() => {
      running -= 1;
      pump();
    });
  }
}

function upload({ file, name, entry, tempId }) {
  // XMLHttpRequest, not fetch: only it reports upload progress. The body is the file
  // itself, streamed by the browser; the server streams it to disk.
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("PUT", `/api/files?name=${encodeURIComponent(name)}`);
    request.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      entry.data.uploading = Math.round((100 * event.loaded) / event.total);
      if (entry.data.uploading >= 100) entry.data.reading = true;
      renderCard(entry);
    });
    request.upload.addEventListener("load", () => {
      entry.data.reading = true;
      renderCard(entry);
    });
    request.addEventListener("load", () => {
      cards.delete(tempId);
      if (request.status === 200) {
        const data = JSON.parse(request.responseText);
        entry.data = data;
        cards.set(data.id, entry);
      } else {
        entry.data = { ...entry.data, uploading: null, reading: false, failed: request.statusText || "upload failed" };
        cards.set(tempId, entry);
      }
      renderCard(entry);
      renderSummary();
      resolve();
    });
    request.addEventListener("error", () => {
      entry.data = { ...entry.data, uploading: null, failed: "connection lost" };
      renderCard(entry);
      resolve();
    });
    request.send(file);
  });
}

async function entriesOf(dataTransfer) {
  // Folders dropped on the page: walk them, keeping each file's path inside the folder.
  const found = [];
  const items = [...dataTransfer.items].map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
  if (!items.some(Boolean)) {
    return [...dataTransfer.files].map((file) => ({ file, name: file.name }));
  }
  async function walk(entry) {
    if (!entry) return;
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      found.push({ file, name: entry.fullPath.replace(/^\//, "") });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const child of batch) if (!child.name.startsWith(".")) await walk(child);
      }
    }
  }
  for (const entry of items) await walk(entry);
  return found;
}

document.addEventListener("dragover", (event) => {
  event.preventDefault();
  $("drop").classList.add("over");
});
document.addEventListener("dragleave", (event) => {
  if (!event.relatedTarget) $("drop").classList.remove("over");
});
document.addEventListener("drop", async (event) => {
  event.preventDefault();
  $("drop").classList.remove("over");
  const list = await entriesOf(event.dataTransfer);
  if ($("drafts").hidden) {
    addFiles(list);
  } else if (list.length) {
    reviewUpload(list[0]);
  }
});
$("pick-files").addEventListener("change", (event) => {
  addFiles([...event.target.files].map((file) => ({ file, name: file.name })));
  event.target.value = "";
});
$("pick-folder").addEventListener("change", (event) => {
  addFiles([...event.target.files].map((file) => ({ file, name: file.webkitRelativePath || file.name })));
  event.target.value = "";
});

// ---------------------------------------------------------------- files: cards

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return "";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit && value < 10 ? 1 : 0)} ${units[unit]}`;
}

function groupSummary(group) {
  if (group.group === "location" && group.places && group.places.length) {
    return group.places
      .map((place) =>
        place.town
          ? `${t("near", { town: place.town, country: place.country })} (${place.latitude}, ${place.longitude})`
          : t("no_town", { lat: place.latitude, lon: place.longitude }),
      )
      .filter((text, index, all) => all.indexOf(text) === index)
      .join(" · ");
  }
  const values = [];
  for (const item of group.items) {
    // Sizes, counts and bare numbers say nothing to a person: the field's name says more.
    const opaque = group.group !== "dates" && (!item.value || /^<.*>$|^[\d\s.:,-]+$|^\d+ [\w/ ]+\(s\)$/.test(item.value));
    const value = opaque && item.field ? item.field : item.value;
    if (value && !values.includes(value)) values.push(value);
  }
  const shown = values.slice(0, 4).join(" · ");
  return values.length > 4 ? `${shown} …` : shown;
}

function renderGroups(groups) {
  return el(
    "ul",
    { class: "groups" },
    groups.map((group) =>
      el(
        "li",
        { class: `group severity-${group.severity}`, "data-group": group.group },
        el(
          "div",
          { class: "group-head" },
          el("span", { class: "dot", "aria-hidden": "true" }),
          el("strong", { text: t(`group_${group.group}`) }),
          el("span", { class: "badge", text: t(`severity_${group.severity}`) }),
          el("span", { class: "muted why", text: t(`why_${group.group}`) }),
        ),
        el("p", { class: "group-summary", text: groupSummary(group) }),
        el(
          "details",
          {},
          el("summary", { text: `${t("details")} — ${t("items_count", { count: group.items.length })}` }),
          el(
            "table",
            { class: "items" },
            el(
              "tbody",
              {},
              group.items.map((item) =>
                el("tr", {}, el("td", { text: item.field }), el("td", { text: item.value }), el("td", { class: "muted", text: item.where })),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function statusOf(data) {
  if (data.cleaned) return data.cleaned.status;
  if (data.inspected) return data.inspected.status;
  return null;
}

function renderCard(entry) {
  const data = entry.data;
  const status = statusOf(data);
  const fresh = el("li", { class: `card status-${status || "pending"}`, id: `card-${data.id}`, "data-name": data.name });
  const head = el(
    "div",
    { class: "card-head" },
    data.preview ? el("img", { class: "thumb", src: `/api/files/${data.id}/preview`, alt: "", loading: "lazy" }) : el("div", { class: "thumb kind", text: (data.kind || "…").toUpperCase().slice(0, 4), "aria-hidden": "true" }),
    el(
      "div",
      { class: "card-title" },
      el("h2", { text: data.name }),
      el("p", { class: "muted", text: [data.kind && data.kind !== "unknown" ? data.kind.toUpperCase() : "", formatSize(data.size)].filter(Boolean).join(" · ") }),
    ),
    status ? el("span", { class: `status status-${status}`, text: t(`status_${status}`) }) : null,
  );
  fresh.append(head);

  if (data.uploading !== undefined && data.uploading !== null && !data.reading) {
    fresh.append(el("progress", { max: "100", value: String(data.uploading), "aria-label": t("uploading", { percent: data.uploading }) }), el("p", { class: "muted", text: t("uploading", { percent: data.uploading }) }));
  } else if (data.reading || (!data.inspected && !data.failed)) {
    fresh.append(el("p", { class: "muted busy", text: t("reading") }));
  }
  if (data.failed) fresh.append(el("p", { class: "error", text: t("error_prefix", { message: data.failed }) }));

  const inspected = data.inspected;
  if (inspected) {
    if (inspected.error) fresh.append(el("p", { class: "error", text: t("error_prefix", { message: inspected.error }) }));
    if (!data.cleaned) {
      if (inspected.groups.length) fresh.append(renderGroups(inspected.groups));
      else if (inspected.status === "clean" && !inspected.findings) fresh.append(el("p", { class: "muted", text: t("nothing_found") }));
    }
    if (inspected.findings) {
      const list = Object.entries(inspected.finding_types).map(([type, count]) => `${t(`type_${type}`)} ×${count}`).join(", ");
      fresh.append(el("p", { class: "findings-line" }, el("strong", { text: t("text_findings", { list }) })));
    }
    if (!data.cleaned && inspected.notes.length) {
      fresh.append(el("div", { class: "notes" }, el("h3", { text: t("notes_title") }), el("ul", {}, inspected.notes.map((note) => el("li", { text: note })))));
    }
  }

  const cleaned = data.cleaned;
  if (cleaned) {
    if (cleaned.error) fresh.append(el("p", { class: "error", text: t("error_prefix", { message: cleaned.error }) }));
    if (cleaned.groups.length) {
      fresh.append(el("div", { class: "removed" }, el("h3", { text: t("removed_title") }), renderGroups(cleaned.groups)));
    }
    if (cleaned.notes.length) {
      fresh.append(el("div", { class: "notes kept" }, el("h3", { text: t("kept_title") }), el("ul", {}, cleaned.notes.map((note) => el("li", { text: note })))));
    }
  }

  const actions = el("div", { class: "actions" });
  const canClean = inspected && !["unsupported", "error"].includes(inspected.status);
  if (canClean && !cleaned) {
    actions.append(el("button", { class: "button primary", type: "button", "data-action": "clean", text: data.cleaning ? t("cleaning") : t("clean"), disabled: data.cleaning ? true : null, onclick: () => cleanItem(entry) }));
  }
  if (cleaned && cleaned.status !== "error") {
    actions.append(el("a", { class: "button primary", "data-action": "download", href: `/api/files/${data.id}/download/cleaned`, download: data.name.split("/").pop(), text: t("download") }));
  }
  if (inspected && data.reviewable && inspected.findings) {
    actions.append(el("button", { class: "button", type: "button", "data-action": "review", text: t("review_text", { count: inspected.findings }), onclick: () => reviewItem(data) }));
  }
  if (inspected || data.failed) {
    actions.append(el("button", { class: "button quiet", type: "button", "data-action": "remove", text: t("remove"), "aria-label": `${t("remove")} ${data.name}`, onclick: () => removeItem(entry) }));
  }
  fresh.append(actions);

  if (entry.element && entry.element.isConnected) entry.element.replaceWith(fresh);
  else $("cards").append(fresh);
  entry.element = fresh;
}

function renderSummary() {
  const all = [...cards.values()].map((entry) => entry.data);
  $("toolbar").hidden = all.length === 0;
  const dirty = all.filter((data) => statusOf(data) === "dirty").length;
  const cleaned = all.filter((data) => ["cleaned", "flagged"].includes(statusOf(data))).length;
  $("summary").textContent = t("summary", { total: all.length, dirty, cleaned });
  $("download-all").hidden = cleaned === 0;
}

async function cleanItem(entry) {
  entry.data.cleaning = true;
  renderCard(entry);
  try {
    entry.data = await api(`/api/files/${entry.data.id}/clean`, { method: "POST" });
  } catch (error) {
    entry.data.cleaning = false;
    entry.data.failed = error.message;
  }
  renderCard(entry);
  renderSummary();
}

async function removeItem(entry) {
  cards.delete(entry.data.id);
  entry.element.remove();
  renderSummary();
  if (!String(entry.data.id).startsWith("upload-")) await api(`/api/files/${entry.data.id}`, { method: "DELETE" });
}

$("clean-all").addEventListener("click", async () => {
  const todo = [...cards.values()].filter((entry) => entry.data.inspected && !entry.data.cleaned && !["unsupported", "error"].includes(entry.data.inspected.status));
  const workers = Array.from({ length: 4 }, async () => {
    while (todo.length) await cleanItem(todo.shift());
  });
  await Promise.all(workers);
  announce(t("summary", { total: cards.size, dirty: 0, cleaned: todo.length }));
});
$("clear-all").addEventListener("click", async () => {
  for (const entry of [...cards.values()]) if (entry.data.inspected || entry.data.failed) await removeItem(entry);
});

async function loadItems() {
  const { items } = await api("/api/files");
  for (const data of items) {
    const entry = cards.get(data.id) || { data, element: null };
    entry.data = data;
    cards.set(data.id, entry);
    renderCard(entry);
  }
  renderSummary();
  // Files named on the command line are read while the page opens: ask again until done.
  if (items.some((data) => !data.inspected)) setTimeout(loadItems, 700);
}

// The server deletes this page's uploads shortly after it is closed (a reload cancels it).
window.addEventListener("pagehide", () => navigator.sendBeacon("/api/bye"));

// ---------------------------------------------------------------- drafts

const review = { data: null, title: "", item: null, decisions: [] };

function showReviewStatus(text) {
  $("review").hidden = false;
  $("review-status").textContent = text;
}

$("check-text").addEventListener("click", async () => {
  const text = $("draft-text").value;
  if (!text.trim()) return;
  showReviewStatus(t("checking"));
  try {
    const data = await api("/api/draft", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
    startReview(data, t("pasted_text"), null);
  } catch (error) {
    showReviewStatus(t("error_prefix", { message: error.message }));
  }
});

$("pick-draft").addEventListener("change", (event) => {
  const file = event.target.files[0];
  if (file) reviewUpload({ file, name: file.name });
  event.target.value = "";
});

async function reviewUpload({ file, name }) {
  showReviewStatus(t("checking"));
  try {
    const response = await fetch(`/api/files?name=${encodeURIComponent(name)}`, { method: "PUT", body: file });
    if (!response.ok) throw new Error(response.statusText);
    const data = await response.json();
    const entry = { data, element: null };
    cards.set(data.id, entry);
    renderCard(entry);
    renderSummary();
    await reviewItem(data);
  } catch (error) {
    showReviewStatus(t("error_prefix", { message: error.message }));
  }
}

async function reviewItem(item) {
  selectTab($("tab-drafts"));
  showReviewStatus(t("checking"));
  try {
    const data = await api(`/api/files/${item.id}/review`);
    startReview(data, item.name, item);
  } catch (error) {
    showReviewStatus(t("error_prefix", { message: error.message }));
  }
}

function startReview(data, title, item) {
  review.data = data;
  review.title = title;
  review.item = item;
  review.decisions = data.findings.map(() => ({ keep: false, always: false }));
  renderReview();
  $("review-title").focus();
}

function renderReview() {
  const data = review.data;
  $("review").hidden = false;
  $("review-title").textContent = review.title;
  $("review-title").tabIndex = -1;
  $("review-status").textContent = data.findings.length ? t("found_count", { count: data.findings.length }) : t("no_findings");
  const text = $("review-text");
  text.replaceChildren(
    ...data.parts.map((part) =>
      el(
        "div",
        { class: "part" },
        part.where ? el("h4", { text: part.where }) : null,
        el(
          "p",
          {},
          part.segments.map((segment) => {
            if (segment.finding === undefined) return segment.text;
            const finding = data.findings[segment.finding];
            const decision = review.decisions[segment.finding];
            return el("mark", {
              class: `t-${finding.type}${decision.keep ? " kept" : ""}`,
              id: `mark-${segment.finding}`,
              title: t(`type_${finding.type}`),
              tabindex: "0",
              text: segment.text,
              onclick: () => document.querySelector(`#finding-${segment.finding} input`).focus(),
              onkeydown: (event) => {
                if (event.key === "Enter") document.querySelector(`#finding-${segment.finding} input`).focus();
              },
            });
          }),
        ),
      ),
    ),
  );
  $("findings").replaceChildren(...data.findings.map((finding, index) => renderFinding(finding, index)));
  $("redact-doc").hidden = !(review.item && data.can_redact);
  $("copy-safe").hidden = false;
  renderSafeText();
}

function renderFinding(finding, index) {
  const decision = review.decisions[index];
  const name = `decision-${index}`;
  const update = () => {
    renderSafeText();
    const mark = $(`mark-${index}`);
    if (mark) mark.classList.toggle("kept", decision.keep);
  };
  const always = el("input", {
    type: "checkbox",
    id: `always-${index}`,
    disabled: decision.keep ? null : true,
    checked: decision.always ? true : null,
    onchange: async (event) => {
      decision.always = event.target.checked;
      if (decision.always) {
        await api("/api/allow", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ value: finding.value }) });
        $("copy-status").textContent = t("added_allow", { value: finding.value });
      }
    },
  });
  return el(
    "li",
    { id: `finding-${index}`, class: `finding t-${finding.type}` },
    el("fieldset", {},
      el("legend", {}, el("span", { class: "type", text: t(`type_${finding.type}`) }), " ", el("code", { text: finding.value }), finding.where ? el("span", { class: "muted", text: ` — ${finding.where}` }) : null),
      el("label", {}, el("input", { type: "radio", name, value: "replace", checked: decision.keep ? null : true, onchange: () => { decision.keep = false; always.disabled = true; update(); } }), " ", t("replace_with", { value: finding.replacement })),
      el("label", {}, el("input", { type: "radio", name, value: "keep", checked: decision.keep ? true : null, onchange: () => { decision.keep = true; always.disabled = false; update(); } }), " ", t("keep")),
      el("label", { class: "always" }, always, " ", t("always")),
    ),
  );
}

function safeText() {
  const { data, decisions } = review;
  return data.parts
    .map((part) =>
      part.segments
        .map((segment) => {
          if (segment.finding === undefined) return segment.text;
          return decisions[segment.finding].keep ? segment.text : data.findings[segment.finding].replacement;
        })
        .join(""),
    )
    .join("\n\n");
}

function renderSafeText() {
  $("safe-text").textContent = safeText();
}

$("copy-safe").addEventListener("click", async () => {
  const text = safeText();
  window.sanitizeLastCopy = text; // read by the browser tests
  try {
    await navigator.clipboard.writeText(text);
    $("copy-status").textContent = t("copied");
  } catch (_) {
    $("copy-status").textContent = t("copy_failed");
  }
});

$("redact-doc").addEventListener("click", async () => {
  const kept = review.data.findings.filter((_, index) => review.decisions[index].keep).map((finding) => finding.value);
  $("copy-status").textContent = t("redacting");
  try {
    const data = await api(`/api/files/${review.item.id}/redact`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ keep: kept }) });
    const entry = cards.get(data.id);
    if (entry) {
      entry.data = data;
      renderCard(entry);
    }
    if (data.redacted.error) throw new Error(data.redacted.error);
    $("copy-status").textContent = "";
    const link = el("a", { href: `/api/files/${data.id}/download/redacted`, download: data.name.split("/").pop() });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    $("copy-status").textContent = t("error_prefix", { message: error.message });
  }
});

// ---------------------------------------------------------------- settings

let settingsData = null;

async function loadSettings() {
  settingsData = await api("/api/settings");
  $("clients").replaceChildren(...settingsData.clients.map(clientRow));
  $("allow").value = settingsData.allow.join("\n");
  for (const name of SWITCHES) $(name).checked = settingsData[name];
  $("settings-path").textContent = settingsData.path;
  renderEntities();
}

function renderEntities() {
  const on = new Set(settingsData.entities);
  const boxes = $("entities");
  const previous = new Set([...boxes.querySelectorAll("input")].filter((box) => box.checked).map((box) => box.value));
  const current = boxes.childElementCount ? previous : on;
  boxes.replaceChildren(
    ...settingsData.all_entities.map((name) =>
      el("label", {}, el("input", { type: "checkbox", value: name, checked: current.has(name) ? true : null }), " ", t(`type_${name}`)),
    ),
  );
}

let clientCount = 0;
function clientRow(client = { name: "", placeholder: "" }) {
  clientCount += 1;
  const row = el(
    "div",
    { class: "client" },
    el("label", { for: `client-name-${clientCount}`, class: "visually-hidden", text: t("client_name") }),
    el("input", { id: `client-name-${clientCount}`, class: "client-name", placeholder: t("client_name"), value: client.name }),
    el("label", { for: `client-placeholder-${clientCount}`, class: "visually-hidden", text: t("client_placeholder") }),
    el("input", { id: `client-placeholder-${clientCount}`, class: "client-placeholder", placeholder: "[CLIENT]", value: client.placeholder }),
  );
  row.append(el("button", { class: "button quiet", type: "button", "aria-label": t("remove_client"), text: "×", onclick: () => row.remove() }));
  return row;
}

$("add-client").addEventListener("click", () => {
  const row = clientRow();
  $("clients").append(row);
  row.querySelector("input").focus();
});

$("settings-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    clients: [...document.querySelectorAll(".client")].map((row) => ({
      name: row.querySelector(".client-name").value,
      placeholder: row.querySelector(".client-placeholder").value,
    })),
    allow: $("allow").value.split("\n"),
    entities: [...$("entities").querySelectorAll("input:checked")].map((box) => box.value),
  };
  for (const name of SWITCHES) body[name] = $(name).checked;
  try {
    settingsData = await api("/api/settings", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    $("settings-status").textContent = t("saved");
  } catch (error) {
    $("settings-status").textContent = t("error_prefix", { message: error.message });
  }
});

// ---------------------------------------------------------------- start

applyLanguage();
loadItems();
