// compare-qa chat page. No framework, no build step. Everything shown is inserted as text nodes or
// element attributes; no string is ever parsed as HTML, so text from the corpus or the user cannot
// become markup.
"use strict";

(() => {
  const log = document.getElementById("log");
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const sendButton = document.getElementById("send");
  const statusLine = document.getElementById("status");
  const newButton = document.getElementById("new-conversation");
  const hint = document.getElementById("hint").cloneNode(true);
  const keyRow = document.getElementById("key-row");
  const keyInput = document.getElementById("api-key");

  // The conversation (its id and every finished turn's question and answer JSON) is kept in the
  // browser, so a reload re-renders it and follow-ups still resolve against it on the server.
  const STORE_KEY = "compare-qa:conversation";
  const MAX_STORED_TURNS = 40;
  let conversation = { id: newConversationId(), turns: [] };
  let pending = false;

  // An API key, when the server asks for one (401): kept for this tab only (sessionStorage), sent as a
  // bearer token. The question the server refused is asked again once a key is given.
  const KEY_STORE = "compare-qa:api-key";
  let apiKey = loadKey();
  let refused = null;

  function loadKey() {
    try {
      return sessionStorage.getItem(KEY_STORE) || "";
    } catch {
      return "";
    }
  }

  function saveKey(key) {
    apiKey = key;
    try {
      if (key) sessionStorage.setItem(KEY_STORE, key);
      else sessionStorage.removeItem(KEY_STORE);
    } catch {
      // No storage: the key lasts until a reload.
    }
  }

  function askForKey(question) {
    refused = question;
    saveKey(""); // missing or wrong: either way not worth sending again
    keyRow.hidden = false;
    keyInput.focus();
    statusLine.textContent = "Enter an API key to ask.";
  }

  function useKey() {
    const key = keyInput.value.trim();
    if (!key) return;
    if (!/^[\x21-\x7e]+$/.test(key)) {
      statusLine.textContent = "An API key has no spaces or accented letters.";
      return;
    }
    saveKey(key);
    keyInput.value = "";
    keyRow.hidden = true;
    const question = refused;
    refused = null;
    if (question) send(question);
    else input.focus();
  }

  function newConversationId() {
    // getRandomValues works on plain http too (randomUUID needs a secure context).
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return "w-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadConversation() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      if (stored && typeof stored.id === "string" && Array.isArray(stored.turns)) return stored;
    } catch {
      // Unreadable or unavailable storage: start afresh.
    }
    return null;
  }

  function saveConversation() {
    // Storage may be full or disabled; the page keeps working, only a reload forgets.
    for (let keep = MAX_STORED_TURNS; keep > 0; keep = Math.floor(keep / 2)) {
      try {
        const turns = conversation.turns.slice(-keep);
        localStorage.setItem(STORE_KEY, JSON.stringify({ id: conversation.id, turns }));
        return;
      } catch {
        // Too big: retry with fewer turns.
      }
    }
  }

  function forgetConversation() {
    try {
      localStorage.removeItem(STORE_KEY);
    } catch {
      // Nothing stored, nothing to forget.
    }
  }

  // el("p", {class: "x"}, "text", child): strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  // Only http(s) links are shown as links: a corpus url like "javascript:..." stays inert text.
  function safeHttpUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function citationAnchor(turn, n) {
    return `t${turn}-c${Number(n)}`;
  }

  function citeLink(turn, n) {
    return el("a", { class: "cite-ref", href: "#" + citationAnchor(turn, n) }, `[${Number(n)}]`);
  }

  // Display text (the server's display form: `code` spans and [text](http(s) url) links, nothing else) as
  // nodes: code spans in <code>, links as links (http(s) only), a bracketed number of the corpus's own
  // (escaped by the server: "hl\[6]") as the text "[6]", and, with `turn`, each [n] marker as a link to
  // its citation.
  function withCiteLinks(text, turn) {
    const nodes = [];
    const token = /(`+)(.+?)\1|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|\\\[(\d+)\]|\[(\d+)\]/g;
    let last = 0;
    for (const match of text.matchAll(token)) {
      let node = null;
      if (match[1]) node = el("code", { class: "inline-code" }, match[1].length > 1 ? match[2].trim() : match[2]);
      else if (match[3]) {
        const href = safeHttpUrl(match[4]);
        // The link's text may hold code spans ("the `kvbench` tool").
        const label = withCiteLinks(match[3], null);
        node = href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, ...label) : el("span", {}, ...label);
      } else if (match[5]) node = `[${match[5]}]`;
      else if (turn !== null) node = citeLink(turn, match[6]);
      if (node === null) continue;
      if (match.index > last) nodes.push(text.slice(last, match.index));
      nodes.push(node);
      last = match.index + match[0].length;
    }
    if (last < text.length) nodes.push(text.slice(last));
    return nodes;
  }

  // Splits text into prose and fenced code blocks (``` or ~~~, as in Markdown). A quoted code block
  // may stop before its closing fence; it then ends where a line starts with the [n] marker that
  // follows every quote in an answer, or at the end of the text.
  function splitFences(text) {
    const parts = [];
    let prose = [];
    let code = null;
    const flushProse = () => {
      if (prose.length) parts.push({ code: false, text: prose.join("\n") });
      prose = [];
    };
    for (const line of text.split("\n")) {
      if (code) {
        const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*((?:\[\d+\]\s*)*)$/);
        if (close && close[1][0] === code.fence[0] && close[1].length >= code.fence.length) {
          code.cites = close[2].trim();
          parts.push(code);
          code = null;
        } else if (/^\[\d+\](\s|$)/.test(line)) {
          // The quote's own markers stay with the block; what follows them is the next sentence.
          const cites = line.match(/^(?:\[\d+\]\s*)+/)[0];
          code.cites = cites.trim();
          parts.push(code);
          code = null;
          if (line.slice(cites.length).trim()) prose.push(line.slice(cites.length));
        } else {
          code.lines.push(line);
        }
        continue;
      }
      const open = line.match(/^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/);
      const last = parts[parts.length - 1];
      const marks = line.match(/^(?:\[\d+\]\s*)+/);
      if (!prose.length && last && last.code && !last.cites && marks) {
        // The markers on the line after a closed block are the block's own citations.
        last.cites = marks[0].trim();
        if (line.slice(marks[0].length).trim()) prose.push(line.slice(marks[0].length));
      } else if (open) {
        flushProse();
        code = { code: true, fence: open[1], lang: open[2], lines: [] };
      } else {
        prose.push(line);
      }
    }
    if (code) parts.push(code);
    flushProse();
    return parts;
  }

  function codeBlock(part) {
    const code = el("code", part.lang ? { "data-lang": part.lang } : {}, part.lines.join("\n"));
    return el("pre", { class: "code", tabindex: "0", "aria-label": part.lang ? `${part.lang} code` : "code" }, code);
  }

  // Text that may hold code blocks, appended to `container`: prose through `inline`, code in <pre>.
  function appendRich(container, text, inline, proseTag) {
    for (const part of splitFences(text)) {
      if (part.code) {
        container.append(codeBlock(part));
        if (part.cites) container.append(el("p", { class: "code-cite" }, ...inline(part.cites)));
      } else if (part.text.trim()) container.append(el(proseTag, { class: "prose" }, ...inline(part.text)));
    }
    return container;
  }

  function sourceMeta(c) {
    return [c.publisher, c.published || "undated"].filter(Boolean).join(" · ");
  }

  function renderCitations(answer, turn) {
    const list = el("ol", { class: "sources" });
    for (const c of answer.citations) {
      const link = safeHttpUrl(c.link) || safeHttpUrl(c.url);
      // The excerpt as people read it (display form: a table row with its header, a sentence with the one
      // it follows); the verbatim quote is in the JSON. A code block, shown whole in the answer, is folded here.
      const shown = typeof c.display === "string" && c.display ? c.display : c.quote;
      const plainInline = (t) => withCiteLinks(t, null);
      const quote = /^ {0,3}(`{3,}|~{3,})/m.test(shown)
        ? el("details", { class: "quoted-code" },
            el("summary", {}, `Quoted code (${shown.split("\n").filter((l) => !/^ {0,3}(`{3,}|~{3,})/.test(l)).length} lines)`),
            appendRich(el("blockquote", { class: "quote" }), shown, plainInline, "span"))
        : el("blockquote", { class: "quote" }, ...plainInline(shown));
      list.append(
        el(
          "li",
          { id: citationAnchor(turn, c.n), class: "source" + (c.outdated ? " outdated" : "") },
          el("span", { class: "n" }, `[${c.n}]`),
          " ",
          el("cite", { class: "title" }, c.title),
          el("span", { class: "meta" }, " — " + sourceMeta(c)),
          c.outdated ? el("span", { class: "badge", title: "this source may be out of date" }, "possibly outdated") : null,
          c.section ? el("div", { class: "section" }, c.section) : null,
          quote,
          link
            ? el("a", { class: "open", href: link, target: "_blank", rel: "noopener noreferrer" },
                "Open the source at this quote")
            : null,
        ),
      );
    }
    return el("section", { class: "citations", "aria-label": "Sources" }, el("h3", {}, "Sources"), list);
  }

  function sections(answer) {
    return Array.isArray(answer.sections) ? answer.sections : [];
  }

  // A section's text without its heading ("Flask: None (sync only) [1]" -> "None (sync only) [1]").
  function body(section) {
    const text = section.text || "";
    return section.heading && text.startsWith(section.heading) ? text.slice(section.heading.length).trim() : text;
  }

  function renderComparison(answer, turn) {
    const comp = answer.comparison;
    // What each cell says, from the answer's aspect sections; citation numbers alone when absent.
    const said = new Map();
    for (const s of sections(answer)) {
      if (s.kind !== "aspect") continue;
      for (const part of s.parts || []) said.set(`${s.label}\u0000${part.label}`, body(part));
    }
    const head = el("tr", {}, el("th", { scope: "col" }, "Aspect"));
    for (const subject of comp.subjects) head.append(el("th", { scope: "col" }, subject));
    const tbody = el("tbody");
    for (const row of comp.rows) {
      const tr = el("tr", {}, el("th", { scope: "row" }, row.aspect));
      for (const subject of comp.subjects) {
        const cited = (row.cells && row.cells[subject]) || [];
        // Display form (links, code spans) when the answer has it; the raw short values in older answers.
        const shown = (row.display && row.display[subject]) || [];
        const values = shown.length === cited.length ? shown : (row.values && row.values[subject]) || [];
        const asText = shown.length === cited.length ? (v) => withCiteLinks(v, null) : (v) => [v];
        const text = said.get(`${row.aspect}\u0000${subject}`);
        const td = el("td");
        // Each source's value in short form with its citation; older answers: the aspect section's text.
        if (cited.length && values.length === cited.length) {
          cited.forEach((n, i) => td.append(...(i ? [" / "] : []), ...asText(values[i]), " ", citeLink(turn, n)));
        } else if (text) td.append(...withCiteLinks(text, turn));
        else if (cited.length === 0) td.append(el("span", { class: "none", title: "no evidence in the corpus" }, "—"));
        else cited.forEach((n, i) => td.append(...(i ? [" "] : []), citeLink(turn, n)));
        tr.append(td);
      }
      tbody.append(tr);
    }
    return el(
      "section",
      { class: "comparison", "aria-label": "Comparison" },
      el("h3", {}, "Comparison"),
      el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), tbody)),
    );
  }

  function renderConflicts(answer, turn) {
    const section = el("section", { class: "conflicts", "aria-label": "Sources disagree" },
      el("h3", {}, "Sources disagree"));
    for (const conflict of answer.conflicts) {
      const list = el("ul");
      for (const claim of conflict.claims) {
        const c = answer.citations.find((x) => x.n === claim.citation);
        const when = claim.published || (c && c.published) || "undated";
        const who = c ? c.publisher || c.title : "";
        list.append(
          el("li", {}, "“", ...(claim.display ? withCiteLinks(claim.display, null) : [claim.text]), "” ",
            citeLink(turn, claim.citation),
            el("span", { class: "meta" }, ` (${[who, when].filter(Boolean).join(", ")})`)),
        );
      }
      section.append(el("h4", {}, conflict.topic), list);
    }
    return section;
  }

  function suggestionButton(topic) {
    return el("button", { type: "button", class: "suggestion", title: "Ask about this topic" }, topic);
  }

  // What the reader should know about the answer as a whole (a question in another language than the corpus).
  function renderNotices(answer) {
    const notices = Array.isArray(answer.notices) ? answer.notices : [];
    return notices.map((n) => el("p", { class: "notice", role: "note" }, String(n)));
  }

  function renderNotCovered(answer) {
    const card = el("article", { class: "turn answer not-covered" }, el("h3", {}, "Not covered"), ...renderNotices(answer));
    if (answer.suggestions && answer.suggestions.length) {
      card.append(el("p", {}, "The corpus does not cover this question. Nearest topics it does cover:"));
      card.append(el("ul", { class: "suggestions" },
        ...answer.suggestions.map((s) => el("li", {}, suggestionButton(s)))));
    } else {
      card.append(el("p", { class: "answer-text" }, answer.answer));
    }
    return card;
  }

  // The answer text, section by section when the answer has sections. Aspect rows and disagreements are
  // left to the comparison table and the "Sources disagree" box when those are shown, so nothing reads twice.
  function renderAnswerText(answer, turn, hasTable, hasConflicts) {
    const box = el("div", { class: "answer-text" });
    const inline = (t) => withCiteLinks(t, turn);
    const parts = sections(answer);
    if (!parts.length) return appendRich(box, answer.answer, inline, "p");
    for (const s of parts) {
      if ((s.kind === "aspect" && hasTable) || (s.kind === "disagreement" && hasConflicts)) continue;
      const block = el("div", { class: `section-block ${s.kind}` });
      if (s.heading) block.append(el("p", { class: "section-heading" }, ...withCiteLinks(s.heading, null)));
      if (s.kind === "aspect" && s.parts && s.parts.length) {
        block.append(el("ul", { class: "cells" }, ...s.parts.map((p) => el("li", {},
          el("span", { class: "cell-label" }, ...withCiteLinks(p.heading || p.label || "", null)), " ", ...inline(body(p))))));
      } else {
        appendRich(block, body(s), inline, "p");
      }
      box.append(block);
    }
    return box;
  }

  function renderAnswer(answer, turn) {
    if (answer.abstained) return renderNotCovered(answer);
    const card = el("article", { class: "turn answer" }, ...renderNotices(answer));
    if (answer.resolved_question && answer.resolved_question !== answer.question) {
      card.append(el("p", { class: "resolved" }, "Understood as: ", el("q", {}, answer.resolved_question)));
    }
    const hasTable = Boolean(answer.comparison && answer.comparison.rows.length);
    const hasConflicts = Boolean(answer.conflicts && answer.conflicts.length);
    card.append(renderAnswerText(answer, turn, hasTable, hasConflicts));
    if (hasTable) card.append(renderComparison(answer, turn));
    if (hasConflicts) card.append(renderConflicts(answer, turn));
    if (answer.citations.length) card.append(renderCitations(answer, turn));
    const total = answer.timings_ms && answer.timings_ms.total;
    card.append(el("p", { class: "footnote" },
      `confidence ${Number(answer.confidence).toFixed(2)}` + (total !== undefined ? ` · ${total} ms` : "")));
    return card;
  }

  function errorCard(message) {
    return el("article", { class: "turn error", role: "alert" }, el("p", {}, message));
  }

  function questionCard(question) {
    return el("article", { class: "turn question" }, el("p", {}, question));
  }

  // One stored turn ({question, answer} or {question, error}) as its answer card.
  function renderTurn(entry, turn) {
    return entry.answer ? renderAnswer(entry.answer, turn) : errorCard(String(entry.error));
  }

  function errorText(status, body) {
    if (body && typeof body.detail === "string") return body.detail;
    return `the server answered ${status}`;
  }

  async function ask(question) {
    const turn = conversation.turns.length + 1;
    document.getElementById("hint")?.remove();
    log.append(questionCard(question));
    const waiting = el("article", { class: "turn pending" }, el("p", {}, "Searching the sources…"));
    log.append(waiting);
    waiting.scrollIntoView({ block: "nearest" });
    statusLine.textContent = "Searching the sources…";
    let entry;
    try {
      const headers = { "Content-Type": "application/json", Accept: "application/json" };
      if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
      const response = await fetch("ask", {
        method: "POST",
        headers,
        body: JSON.stringify({ question, conversation_id: conversation.id }),
      });
      const body = await response.json().catch(() => null);
      if (response.status === 401) {
        entry = { question, error: errorText(response.status, body) };
        askForKey(question);
      } else if (response.ok && body) {
        entry = { question, answer: body };
        statusLine.textContent = body.abstained ? "Not covered by the corpus." : "Answer ready.";
      } else {
        entry = { question, error: errorText(response.status, body) };
        statusLine.textContent = "";
      }
    } catch {
      entry = { question, error: "Could not reach the server." };
      statusLine.textContent = "";
    }
    conversation.turns.push(entry);
    saveConversation();
    const card = renderTurn(entry, turn);
    waiting.replaceWith(card);
    card.scrollIntoView({ block: "start" });
  }

  async function send(question) {
    if (!question || pending) return;
    pending = true;
    sendButton.disabled = true;
    try {
      await ask(question);
    } finally {
      pending = false;
      sendButton.disabled = false;
      (keyRow.hidden ? input : keyInput).focus();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || pending) return;
    input.value = "";
    send(question);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.getElementById("use-key").addEventListener("click", useKey);
  keyInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault(); // the key, not the question form
      useKey();
    }
  });

  // A nearest topic of an abstention is asked as the next question.
  log.addEventListener("click", (event) => {
    const button = event.target.closest("button.suggestion");
    if (button) send(button.textContent);
  });

  function showHint() {
    log.replaceChildren(hint.cloneNode(true));
  }

  newButton.addEventListener("click", () => {
    conversation = { id: newConversationId(), turns: [] };
    forgetConversation();
    showHint();
    statusLine.textContent = "New conversation.";
    input.focus();
  });

  function restore() {
    const stored = loadConversation();
    if (!stored || !stored.turns.length) return;
    const cards = [];
    try {
      stored.turns.forEach((entry, i) => cards.push(questionCard(String(entry.question)), renderTurn(entry, i + 1)));
    } catch {
      forgetConversation(); // written by an older page in a shape this one cannot show
      return;
    }
    conversation = stored;
    log.replaceChildren(...cards);
    cards[cards.length - 1].scrollIntoView({ block: "start" });
  }

  restore();
  input.focus();
})();
