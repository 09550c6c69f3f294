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

  let conversationId = newConversationId();
  let turns = 0;
  let pending = false;

  function newConversationId() {
    // getRandomValues works on plain http too (randomUUID needs a secure context).
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return "w-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
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

  // The answer text with each [n] marker turned into a link to its citation.
  function answerText(text, turn) {
    const p = el("p", { class: "answer-text" });
    const marker = /\[(\d+)\]/g;
    let last = 0;
    for (const match of text.matchAll(marker)) {
      if (match.index > last) p.append(text.slice(last, match.index));
      p.append(citeLink(turn, match[1]));
      last = match.index + match[0].length;
    }
    if (last < text.length) p.append(text.slice(last));
    return p;
  }

  function sourceMeta(c) {
    return [c.publisher, c.published || "undated"].filter(Boolean).join(" · ");
  }

  function renderCitations(answer, turn) {
    const list = el("ol", { class: "sources" });
    for (const c of answer.citations) {
      const link = safeHttpUrl(c.link) || safeHttpUrl(c.url);
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
          el("blockquote", { class: "quote" }, c.quote),
          link
            ? el("a", { class: "open", href: link, target: "_blank", rel: "noopener noreferrer" },
                "Open the source at this quote")
            : null,
        ),
      );
    }
    return el("section", { class: "citations", "aria-label": "Sources" }, el("h3", {}, "Sources"), list);
  }

  function renderComparison(answer, turn) {
    const comp = answer.comparison;
    const head = el("tr", {}, el("th", { scope: "col" }, "Aspect"));
    for (const subject of comp.subjects) head.append(el("th", { scope: "col" }, subject));
    const body = el("tbody");
    for (const row of comp.rows) {
      const tr = el("tr", {}, el("th", { scope: "row" }, row.aspect));
      for (const subject of comp.subjects) {
        const cited = (row.cells && row.cells[subject]) || [];
        const td = el("td");
        if (cited.length === 0) td.append(el("span", { class: "none", title: "no evidence in the corpus" }, "—"));
        cited.forEach((n, i) => {
          if (i) td.append(" ");
          td.append(citeLink(turn, n));
        });
        tr.append(td);
      }
      body.append(tr);
    }
    return el(
      "section",
      { class: "comparison", "aria-label": "Comparison" },
      el("h3", {}, "Comparison"),
      el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), body)),
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
          el("li", {}, `“${claim.text}” `, citeLink(turn, claim.citation),
            el("span", { class: "meta" }, ` (${[who, when].filter(Boolean).join(", ")})`)),
        );
      }
      section.append(el("h4", {}, conflict.topic), list);
    }
    return section;
  }

  function renderNotCovered(answer) {
    const card = el("article", { class: "turn answer not-covered" }, el("h3", {}, "Not covered"));
    if (answer.suggestions && answer.suggestions.length) {
      card.append(el("p", {}, "The corpus does not cover this question. Nearest topics it does cover:"));
      card.append(el("ul", { class: "suggestions" }, ...answer.suggestions.map((s) => el("li", {}, s))));
    } else {
      card.append(el("p", { class: "answer-text" }, answer.answer));
    }
    return card;
  }

  function renderAnswer(answer, turn) {
    if (answer.abstained) return renderNotCovered(answer);
    const card = el("article", { class: "turn answer" });
    if (answer.resolved_question && answer.resolved_question !== answer.question) {
      card.append(el("p", { class: "resolved" }, "Understood as: ", el("q", {}, answer.resolved_question)));
    }
    card.append(answerText(answer.answer, turn));
    if (answer.comparison && answer.comparison.rows.length) card.append(renderComparison(answer, turn));
    if (answer.conflicts && answer.conflicts.length) card.append(renderConflicts(answer, turn));
    if (answer.citations.length) card.append(renderCitations(answer, turn));
    const total = answer.timings_ms && answer.timings_ms.total;
    card.append(el("p", { class: "footnote" },
      `confidence ${Number(answer.confidence).toFixed(2)}` + (total !== undefined ? ` · ${total} ms` : "")));
    return card;
  }

  function errorText(status, body) {
    if (body && typeof body.detail === "string") return body.detail;
    return `the server answered ${status}`;
  }

  async function ask(question) {
    const turn = ++turns;
    document.getElementById("hint")?.remove();
    log.append(el("article", { class: "turn question" }, el("p", {}, question)));
    const waiting = el("article", { class: "turn pending" }, el("p", {}, "Searching the sources…"));
    log.append(waiting);
    waiting.scrollIntoView({ block: "nearest" });
    statusLine.textContent = "Searching the sources…";
    let card;
    try {
      const response = await fetch("ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question, conversation_id: conversationId }),
      });
      const body = await response.json().catch(() => null);
      if (response.ok && body) {
        card = renderAnswer(body, turn);
        statusLine.textContent = body.abstained ? "Not covered by the corpus." : "Answer ready.";
      } else {
        card = el("article", { class: "turn error", role: "alert" }, el("p", {}, errorText(response.status, body)));
        statusLine.textContent = "";
      }
    } catch {
      card = el("article", { class: "turn error", role: "alert" }, el("p", {}, "Could not reach the server."));
      statusLine.textContent = "";
    }
    waiting.replaceWith(card);
    card.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || pending) return;
    pending = true;
    sendButton.disabled = true;
    input.value = "";
    try {
      await ask(question);
    } finally {
      pending = false;
      sendButton.disabled = false;
      input.focus();
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  newButton.addEventListener("click", () => {
    conversationId = newConversationId();
    turns = 0;
    log.replaceChildren();
    statusLine.textContent = "New conversation.";
    input.focus();
  });

  input.focus();
})();
