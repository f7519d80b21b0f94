/* Circles chat: one circle's live conversation over /ws/circles/<id>/ (DESIGN.md,
   "WebSocket protocol"). No dependencies and no build step.

   - Text a person typed is only ever put on the page with textContent: never
     innerHTML, insertAdjacentHTML or document.write, and never into an href.
   - Every message has a gap-free seq: the page shows each seq once, asks for what it
     missed (`resume`) after a gap or a reconnect, and keeps unacknowledged sends to
     resend them with the same client_id, so a dropped connection loses nothing and
     duplicates nothing. */
"use strict";

(function () {
  const settingsNode = document.getElementById("chat-settings");
  if (!settingsNode) {
    return;
  }
  const settings = JSON.parse(settingsNode.textContent);

  function byId(id) {
    return document.getElementById(id);
  }

  const els = {
    log: byId("log"),
    list: byId("messages"),
    older: byId("older"),
    historyNote: byId("history-note"),
    jump: byId("jump"),
    composer: byId("composer"),
    input: byId("message-input"),
    send: byId("send"),
    connection: byId("connection"),
    status: byId("chat-status"),
    support: byId("support"),
    supportText: byId("support-text"),
    supportClose: byId("support-close"),
    typing: byId("typing"),
    dialog: byId("report-dialog"),
    reportForm: byId("report-form"),
    reportQuote: byId("report-quote"),
    reportReason: byId("report-reason"),
    reportError: byId("report-error"),
    reportCancel: byId("report-cancel"),
  };

  const MAX_BODY = 4000;
  const MAX_REASON = 1000;
  const PAGE = 50;
  const TYPING_SHOWN_MS = 4000;
  const TYPING_EVERY_MS = 3000;
  const STUCK_SEND_MS = 15000;
  const SLOW_DOWN_MS = 30000;

  const ROLE_NAMES = {
    mentee: "Mentee",
    mentor: "Mentor",
    coordinator: "Coordinator",
  };
  const CATEGORY_NAMES = {
    contact_info: "personal contact details",
    off_platform: "moving contact off the platform",
    money_gifts: "money or gifts",
    intimacy: "romantic or sexual content",
    bigotry_harassment: "hurtful or harassing language",
    illegal_activity: "illegal activity",
    crisis: "someone's safety",
  };
  const CONNECTION_TEXT = {
    connecting: "Connecting…",
    connected: "Connected",
    reconnecting: "Reconnecting…",
    offline: "Offline: messages will be sent when you are back online",
    ended: "Not connected",
  };

  const state = {
    socket: null,
    connected: false,
    ended: false,
    attempts: 0,
    reconnectTimer: null,
    lastRefusal: "",
    maxSeq: 0,
    minSeq: null,
    loadedInitial: false,
    hasMore: false,
    historyInFlight: null, // "initial" | "older" | null
    resumeInFlight: false,
    resumeAfter: null, // a resume still to ask for, after this seq
    items: new Map(), // seq -> <li>
    withdrawn: new Set(), // seqs hidden by staff: not shown again unless released
    own: new Map(), // client_id -> {body, li, acked, sentAt, reason}
    typists: new Map(), // sender id -> {name, until}
    lastTypingSent: 0,
    report: null, // {seq, button} while the dialog is open
    reportPending: null,
    statusTimer: null,
  };

  /* ---------- small helpers ---------- */

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Outside a secure context randomUUID is missing: a v4 UUID by hand.
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [
      hex.slice(0, 8),
      hex.slice(8, 12),
      hex.slice(12, 16),
      hex.slice(16, 20),
      hex.slice(20),
    ].join("-");
  }

  function roleName(role) {
    return ROLE_NAMES[role] || "";
  }

  function shownTime(iso) {
    const moment = new Date(iso);
    if (Number.isNaN(moment.getTime())) {
      return "";
    }
    const time = moment.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    if (moment.toDateString() === new Date().toDateString()) {
      return time;
    }
    const day = moment.toLocaleDateString([], { day: "numeric", month: "short" });
    return day + ", " + time;
  }

  function reasonWords(reason) {
    if (!reason) {
      return "";
    }
    let detail = typeof reason.detail === "string" ? reason.detail.trim() : "";
    // The page says "Held for review:" or "Not sent:" itself; drop a repeat of it.
    detail = detail.replace(/^(held|blocked|not sent)\b[^:]{0,40}:\s*/i, "");
    if (detail) {
      return detail;
    }
    const category = CATEGORY_NAMES[reason.category];
    return category ? "It seems to be about " + category + "." : "";
  }

  function nearBottom() {
    const log = els.log;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToBottom() {
    els.log.scrollTop = els.log.scrollHeight;
    els.jump.hidden = true;
  }

  /* ---------- status and connection ---------- */

  function setConnection(kind) {
    els.connection.dataset.state = kind;
    els.connection.textContent = CONNECTION_TEXT[kind];
  }

  function showStatus(text, options) {
    const opts = options || {};
    clearTimeout(state.statusTimer);
    els.status.replaceChildren();
    const line = make("p", "chat-notice" + (opts.kind ? " chat-notice-" + opts.kind : ""));
    line.appendChild(document.createTextNode(text));
    for (const link of opts.links || []) {
      line.appendChild(document.createTextNode(" "));
      const anchor = make("a", "", link.text);
      anchor.href = link.href; // only URLs the server put in the page settings
      line.appendChild(anchor);
    }
    els.status.appendChild(line);
    if (!opts.sticky) {
      state.statusTimer = setTimeout(() => els.status.replaceChildren(), 12000);
    }
  }

  function showSupport(text) {
    els.supportText.textContent = text;
    els.support.hidden = false;
  }

  /* ---------- messages on the page ---------- */

  function sortKey(node) {
    const key = node.dataset.sort;
    return key === undefined ? Infinity : Number(key);
  }

  // Sequenced messages in seq order; messages still sending stay last.
  function place(li, key) {
    li.dataset.sort = String(key);
    let before = null;
    const children = els.list.children;
    for (let index = children.length - 1; index >= 0; index -= 1) {
      const child = children[index];
      if (child === li) {
        continue;
      }
      if (sortKey(child) > key) {
        before = child;
      } else {
        break;
      }
    }
    if (li.parentNode !== els.list || li.nextSibling !== before) {
      els.list.insertBefore(li, before);
    }
  }

  function buildItem(sender, sentAt, body, own) {
    const li = make("li", "msg" + (own ? " msg-own" : ""));
    const head = li.appendChild(make("p", "msg-head"));
    head.appendChild(make("span", "msg-sender", sender.name || "A former member"));
    const role = roleName(sender.role);
    if (role) {
      head.appendChild(make("span", "msg-role", role));
    }
    if (own) {
      head.appendChild(make("span", "msg-you", "you"));
    }
    const time = head.appendChild(make("time", "msg-time"));
    setTime(time, sentAt);
    li.appendChild(make("p", "msg-body", body));
    const foot = li.appendChild(make("div", "msg-foot"));
    foot.appendChild(make("p", "msg-status"));
    return li;
  }

  function setTime(node, sentAt) {
    if (!sentAt) {
      node.textContent = "";
      return;
    }
    node.dateTime = sentAt;
    node.textContent = shownTime(sentAt);
    const moment = new Date(sentAt);
    if (!Number.isNaN(moment.getTime())) {
      node.title = moment.toLocaleString();
    }
  }

  function addReportButton(li, seq) {
    if (li.querySelector(".msg-report")) {
      return;
    }
    const button = make("button", "msg-report button-link", "Report a concern");
    button.type = "button";
    const sender = li.querySelector(".msg-sender").textContent;
    const time = li.querySelector(".msg-time").textContent;
    button.setAttribute(
      "aria-label",
      // No "message" in this name: the text box is the one control labelled so.
      "Report a concern about what " + sender + " wrote" + (time ? " at " + time : "")
    );
    button.addEventListener("click", () => openReport(seq, li, button));
    li.querySelector(".msg-foot").appendChild(button);
  }

  function setOwnStatus(li, status, reason) {
    const line = li.querySelector(".msg-status");
    li.classList.remove("msg-sending", "msg-held", "msg-flagged", "msg-blocked", "msg-delivered");
    li.classList.add("msg-" + (status === "released" ? "delivered" : status));
    let text = "";
    if (status === "sending") {
      text = state.connected ? "Sending…" : "Waiting for the connection to send…";
    } else if (status === "delivered") {
      text = "Delivered";
    } else if (status === "flagged") {
      text = "Delivered. Program staff will also look at this message.";
    } else if (status === "held") {
      const why = reasonWords(reason);
      text =
        "Held for review: " +
        (why || "program staff will look at it first.") +
        " Only you and program staff can see it until they release it.";
    } else if (status === "blocked") {
      const why = reasonWords(reason);
      text =
        "Not sent: " +
        (why || "it breaks the circle's code of conduct.") +
        " Your text is back in the message box so you can change it.";
    } else if (status === "released") {
      text = "Released by program staff: everyone in the circle can see it now.";
    }
    line.textContent = text;
  }

  function forgetTypist(senderId) {
    if (state.typists.delete(senderId)) {
      renderTyping();
    }
  }

  // Show one `message` frame: each seq once, in seq order. Returns the <li> or null.
  function showMessage(frame) {
    const seq = frame.seq;
    if (typeof seq !== "number" || state.withdrawn.has(seq)) {
      return null;
    }
    noteSeq(seq);
    const sender = frame.sender || {};
    const own = sender.id === settings.me.id;
    const existing = state.items.get(seq);
    if (existing) {
      const time = existing.querySelector(".msg-time");
      if (!time.dateTime && frame.sent_at) {
        setTime(time, frame.sent_at);
      }
      showStoredBody(existing, frame.body);
      if (own && existing.dataset.status !== frame.status) {
        existing.dataset.status = frame.status;
        setOwnStatus(existing, frame.status, ownReason(frame.client_id));
      }
      return existing;
    }
    let li = null;
    const entry = own && frame.client_id ? state.own.get(frame.client_id) : null;
    if (entry) {
      li = entry.li; // the page's own pending copy of this message: give it its seq
      entry.acked = true;
      setTime(li.querySelector(".msg-time"), frame.sent_at);
      showStoredBody(li, frame.body);
    } else {
      li = buildItem(sender, frame.sent_at, typeof frame.body === "string" ? frame.body : "", own);
    }
    li.dataset.seq = String(seq);
    state.items.set(seq, li);
    place(li, seq);
    if (own) {
      li.dataset.status = frame.status;
      setOwnStatus(li, frame.status, entry ? entry.reason : null);
    }
    addReportButton(li, seq);
    forgetTypist(sender.id);
    if (state.loadedInitial && !state.hasMore) {
      renderHistoryEdge(); // "No messages yet" no longer holds
    }
    return li;
  }

  // Show the text as the server stored it (control characters removed), not as typed.
  function showStoredBody(li, body) {
    const node = li.querySelector(".msg-body");
    if (typeof body === "string" && node.textContent !== body) {
      node.textContent = body;
    }
  }

  function ownReason(clientId) {
    const entry = clientId ? state.own.get(clientId) : null;
    return entry ? entry.reason : null;
  }

  function noteSeq(seq) {
    if (state.minSeq === null || seq < state.minSeq) {
      state.minSeq = seq;
    }
  }

  function withdraw(seq) {
    state.withdrawn.add(seq);
    const li = state.items.get(seq);
    if (li) {
      state.items.delete(seq);
      li.remove();
    }
    if (state.report && state.report.seq === seq) {
      closeReport();
    }
  }

  /* ---------- the socket ---------- */

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + "/ws/circles/" + Number(settings.circleId) + "/";
  }

  function sendFrame(frame) {
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (state.ended || state.socket) {
      return;
    }
    if (navigator.onLine === false) {
      setConnection("offline");
      return; // the "online" event reconnects
    }
    setConnection(state.attempts ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      scheduleReconnect(0);
      return;
    }
    state.socket = socket;
    socket.addEventListener("open", () => {
      if (socket === state.socket) {
        opened();
      }
    });
    socket.addEventListener("message", (event) => {
      if (socket === state.socket) {
        received(event.data);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket === state.socket) {
        closed(event.code);
      }
    });
  }

  function dropSocket() {
    const socket = state.socket;
    state.socket = null;
    state.connected = false;
    state.historyInFlight = null;
    state.resumeInFlight = false;
    if (socket) {
      try {
        socket.close(4000); // ignored from here on: the handlers check state.socket
      } catch (error) {
        /* already closing */
      }
    }
    state.typists.clear();
    renderTyping();
  }

  function scheduleReconnect(minimumMs) {
    if (state.ended || state.reconnectTimer) {
      return;
    }
    // Exponential backoff with jitter: 0.5–1 s, 1–2 s, 2–4 s … up to 15–30 s.
    const ceiling = Math.min(30000, 1000 * 2 ** Math.min(state.attempts, 5));
    const delay = Math.max(minimumMs || 0, ceiling / 2 + (Math.random() * ceiling) / 2);
    state.attempts += 1;
    setConnection(navigator.onLine === false ? "offline" : "reconnecting");
    state.reconnectTimer = setTimeout(connect, delay);
  }

  function opened() {
    state.connected = true;
    setConnection("connected");
    if (!state.loadedInitial) {
      state.historyInFlight = "initial";
      sendFrame({ type: "history", limit: PAGE });
    } else {
      askResume(state.maxSeq);
    }
    resendUnacked();
    refreshPendingLabels();
  }

  function closed(code) {
    dropSocket();
    refreshPendingLabels();
    if (code === 4401) {
      end("You have been logged out.");
      window.location.assign(
        settings.loginUrl + "?next=" + encodeURIComponent(window.location.pathname)
      );
      return;
    }
    if (code === 4403) {
      end(
        "You can no longer chat in this circle." +
          (state.lastRefusal ? " " + state.lastRefusal : ""),
        true
      );
      return;
    }
    if (code === 4404) {
      end("This circle could not be found.", false);
      return;
    }
    if (code === 4429) {
      showStatus(
        "Slow down: too many messages or open chat windows. Reconnecting in a moment.",
        { kind: "warning", sticky: true }
      );
      scheduleReconnect(SLOW_DOWN_MS);
      return;
    }
    scheduleReconnect(0);
  }

  function end(text, showWhatsNeeded) {
    state.ended = true;
    clearTimeout(state.reconnectTimer);
    setConnection("ended");
    els.input.disabled = true;
    els.send.disabled = true;
    const links = [];
    if (showWhatsNeeded) {
      links.push({ text: "See what is needed", href: settings.welcomeUrl });
    }
    links.push({ text: "Back to my circles", href: settings.homeUrl });
    showStatus(text, { kind: "error", sticky: true, links: links });
    for (const entry of state.own.values()) {
      if (!entry.acked) {
        entry.li.querySelector(".msg-status").textContent = "Not sent.";
      }
    }
  }

  function askResume(after) {
    state.resumeAfter = state.resumeAfter === null ? after : Math.min(state.resumeAfter, after);
    pumpResume();
  }

  function pumpResume() {
    if (state.resumeInFlight || state.resumeAfter === null || !state.connected) {
      return;
    }
    const after = state.resumeAfter;
    state.resumeAfter = null;
    if (sendFrame({ type: "resume", after: after })) {
      state.resumeInFlight = true;
    } else {
      state.resumeAfter = after;
    }
  }

  function received(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      return;
    }
    if (!frame || typeof frame !== "object") {
      return;
    }
    state.attempts = 0; // the server is talking to this page: backoff starts over
    switch (frame.type) {
      case "message":
        onLiveMessage(frame);
        break;
      case "ack":
        onAck(frame);
        break;
      case "history":
        onHistory(frame);
        break;
      case "resume":
        onResume(frame);
        break;
      case "typing":
        onTyping(frame);
        break;
      case "reported":
        onReported(frame);
        break;
      case "hidden":
        if (typeof frame.seq === "number") {
          withdraw(frame.seq);
        }
        break;
      case "released":
        onReleased(frame);
        break;
      case "error":
        onError(frame);
        break;
      default:
        break;
    }
  }

  /* ---------- frames from the server ---------- */

  function onLiveMessage(frame) {
    if (typeof frame.seq !== "number") {
      return;
    }
    const follow = nearBottom() || (frame.sender && frame.sender.id === settings.me.id);
    if (state.loadedInitial && frame.seq > state.maxSeq + 1) {
      askResume(state.maxSeq); // a gap: something was missed
    }
    state.maxSeq = Math.max(state.maxSeq, frame.seq);
    const li = showMessage(frame);
    if (li && follow) {
      scrollToBottom();
    } else if (li) {
      els.jump.hidden = false;
    }
  }

  function onAck(frame) {
    const entry = state.own.get(frame.client_id);
    if (!entry) {
      return;
    }
    entry.acked = true;
    entry.reason = frame.reason || null;
    if (frame.support) {
      showSupport(String(frame.support));
    }
    const li = entry.li;
    if (frame.status === "blocked") {
      li.dataset.status = "blocked";
      place(li, state.maxSeq + 0.5);
      setOwnStatus(li, "blocked", frame.reason);
      putBack(entry.body);
      return;
    }
    if (typeof frame.seq === "number" && !state.withdrawn.has(frame.seq)) {
      const shown = state.items.get(frame.seq);
      if (shown && shown !== li) {
        li.remove(); // another copy (from another tab's frame) is already shown
      } else if (!shown) {
        li.dataset.seq = String(frame.seq);
        state.items.set(frame.seq, li);
        noteSeq(frame.seq);
        if (state.loadedInitial && frame.seq > state.maxSeq + 1) {
          askResume(state.maxSeq);
        }
        state.maxSeq = Math.max(state.maxSeq, frame.seq);
        place(li, frame.seq);
        addReportButton(li, frame.seq);
      }
      const target = state.items.get(frame.seq);
      target.dataset.status = frame.status;
      setOwnStatus(target, frame.status, frame.reason);
    }
  }

  function putBack(body) {
    const current = els.input.value;
    els.input.value = current.trim() ? body + "\n\n" + current : body;
    els.input.focus();
  }

  function showPage(messages) {
    for (const message of messages || []) {
      if (typeof message.seq === "number") {
        state.maxSeq = Math.max(state.maxSeq, message.seq);
        showMessage(message);
      }
    }
  }

  function onHistory(frame) {
    const kind = state.historyInFlight;
    state.historyInFlight = null;
    if (kind === "older") {
      const fromBottom = els.log.scrollHeight - els.log.scrollTop;
      showPage(frame.messages);
      els.log.scrollTop = els.log.scrollHeight - fromBottom;
      state.hasMore = Boolean(frame.has_more);
    } else {
      const first = !state.loadedInitial;
      showPage(frame.messages);
      if (first) {
        state.hasMore = Boolean(frame.has_more);
        state.loadedInitial = true;
        scrollToBottom();
      }
    }
    renderHistoryEdge();
    if (state.hasMore && els.log.scrollHeight <= els.log.clientHeight) {
      loadOlder(); // the page is not full yet
    }
  }

  function onResume(frame) {
    state.resumeInFlight = false;
    const follow = nearBottom();
    showPage(frame.messages);
    if (follow) {
      scrollToBottom();
    }
    if (frame.has_more) {
      askResume(state.maxSeq);
    }
    pumpResume();
  }

  function onReleased(frame) {
    if (typeof frame.seq !== "number") {
      return;
    }
    // Staff restored a message they had hidden (an appeal upheld): it may show again.
    state.withdrawn.delete(frame.seq);
    const li = state.items.get(frame.seq);
    if (li) {
      if (li.classList.contains("msg-own")) {
        li.dataset.status = "delivered";
        setOwnStatus(li, "released", null);
      }
    } else if (frame.seq > (state.minSeq || 0)) {
      askResume(frame.seq - 1); // a message now visible to everyone: fetch it
    }
  }

  function onTyping(frame) {
    const sender = frame.sender;
    if (!sender || sender.id === settings.me.id) {
      return;
    }
    state.typists.set(sender.id, {
      name: sender.name || "Someone",
      until: Date.now() + TYPING_SHOWN_MS,
    });
    renderTyping();
    setTimeout(renderTyping, TYPING_SHOWN_MS + 50);
  }

  function renderTyping() {
    const now = Date.now();
    const names = [];
    for (const [id, typist] of state.typists) {
      if (typist.until <= now) {
        state.typists.delete(id);
      } else {
        names.push(typist.name);
      }
    }
    let text = "";
    if (names.length === 1) {
      text = names[0] + " is typing…";
    } else if (names.length === 2) {
      text = names[0] + " and " + names[1] + " are typing…";
    } else if (names.length > 2) {
      text = "Several people are typing…";
    }
    els.typing.textContent = text;
  }

  function onError(frame) {
    const detail = typeof frame.detail === "string" ? frame.detail : "Something went wrong.";
    if (frame.code === "not_allowed") {
      state.lastRefusal = detail; // the server says why just before it closes with 4403
    }
    if (state.reportPending !== null && frame.field !== "body" && frame.field !== "client_id") {
      state.reportPending = null;
      if (els.dialog.open) {
        els.reportError.textContent = detail;
        setReportBusy(false);
        return;
      }
    }
    if (frame.code === "rate_limited") {
      showStatus("Slow down: " + detail, { kind: "warning" });
      setTimeout(() => resendUnacked(1500), 2500);
      return;
    }
    if (frame.code === "not_allowed") {
      failOldestUnacked(detail);
      showStatus(detail, {
        kind: "error",
        sticky: true,
        links: [{ text: "See what is needed", href: settings.welcomeUrl }],
      });
      return;
    }
    if ((frame.code === "too_long" || frame.code === "bad_frame") && frame.field === "body") {
      failOldestUnacked(detail); // a send the server can never accept: say so, give it back
      return;
    }
    showStatus(detail, { kind: "error" });
    if (frame.code === "server_error") {
      setTimeout(() => resendUnacked(1500), 2000);
    }
  }

  /* ---------- sending ---------- */

  function submit() {
    if (state.ended) {
      return;
    }
    const body = els.input.value;
    if (!body.trim()) {
      showStatus("Write a message first.", { kind: "warning" });
      els.input.focus();
      return;
    }
    if (body.length > MAX_BODY) {
      showStatus(
        "A message can be at most " + MAX_BODY + " characters; this one has " + body.length + ".",
        { kind: "warning" }
      );
      return;
    }
    const clientId = newClientId();
    const li = buildItem(
      { id: settings.me.id, name: settings.me.name, role: settings.me.role },
      "",
      body,
      true
    );
    li.dataset.clientId = clientId;
    const entry = { body: body, li: li, acked: false, sentAt: 0, reason: null };
    state.own.set(clientId, entry);
    place(li, Infinity);
    setOwnStatus(li, "sending", null);
    if (state.loadedInitial && !state.hasMore) {
      renderHistoryEdge();
    }
    scrollToBottom();
    els.input.value = "";
    state.lastTypingSent = 0;
    transmit(clientId, entry);
  }

  function transmit(clientId, entry) {
    if (sendFrame({ type: "send", client_id: clientId, body: entry.body })) {
      entry.sentAt = Date.now();
    }
  }

  // Resend what the server has not acknowledged: the same client_id, so a send that
  // did arrive gets its first ack again instead of a second copy.
  function resendUnacked(minimumAgeMs) {
    const now = Date.now();
    for (const [clientId, entry] of state.own) {
      if (!entry.acked && !entry.failed && now - entry.sentAt >= (minimumAgeMs || 0)) {
        transmit(clientId, entry);
      }
    }
  }

  function failOldestUnacked(detail) {
    for (const entry of state.own.values()) {
      if (!entry.acked && !entry.failed) {
        entry.failed = true;
        entry.li.classList.add("msg-blocked");
        entry.li.querySelector(".msg-status").textContent =
          "Not sent: " + detail + " Your text is back in the message box.";
        putBack(entry.body);
        return;
      }
    }
  }

  function refreshPendingLabels() {
    for (const entry of state.own.values()) {
      if (!entry.acked && !entry.failed) {
        setOwnStatus(entry.li, "sending", null);
      }
    }
  }

  // A send with no answer for a while means a half-dead connection: start a new one.
  setInterval(() => {
    if (!state.connected) {
      return;
    }
    const now = Date.now();
    for (const entry of state.own.values()) {
      if (!entry.acked && !entry.failed && entry.sentAt && now - entry.sentAt > STUCK_SEND_MS) {
        dropSocket();
        scheduleReconnect(0);
        return;
      }
    }
  }, 5000);

  function typed() {
    const now = Date.now();
    if (els.input.value.trim() && now - state.lastTypingSent > TYPING_EVERY_MS) {
      if (sendFrame({ type: "typing" })) {
        state.lastTypingSent = now;
      }
    }
  }

  /* ---------- history ---------- */

  function loadOlder() {
    if (!state.loadedInitial || !state.hasMore || state.historyInFlight || !state.connected) {
      return;
    }
    const frame = { type: "history", limit: PAGE };
    if (state.minSeq !== null) {
      frame.before = state.minSeq;
    }
    state.historyInFlight = "older";
    if (!sendFrame(frame)) {
      state.historyInFlight = null;
      return;
    }
    els.historyNote.textContent = "Loading earlier messages…";
  }

  function renderHistoryEdge() {
    els.older.hidden = !state.hasMore;
    if (state.hasMore) {
      els.historyNote.textContent = "";
    } else if (state.items.size === 0 && state.own.size === 0) {
      els.historyNote.textContent = "No messages yet. Say hello to your circle!";
    } else {
      els.historyNote.textContent = "This is the start of the conversation.";
    }
  }

  /* ---------- reporting a concern ---------- */

  function openReport(seq, li, button) {
    state.report = { seq: seq, button: button };
    const sender = li.querySelector(".msg-sender").textContent;
    let body = li.querySelector(".msg-body").textContent;
    if (body.length > 300) {
      body = body.slice(0, 300) + "…";
    }
    els.reportQuote.textContent = sender + ": " + body;
    els.reportReason.value = "";
    els.reportError.textContent = "";
    setReportBusy(false);
    els.dialog.showModal();
    els.reportReason.focus();
  }

  function closeReport() {
    const report = state.report;
    state.report = null;
    state.reportPending = null;
    if (els.dialog.open) {
      els.dialog.close();
    }
    if (report && report.button && report.button.isConnected) {
      report.button.focus();
    } else {
      els.input.focus();
    }
  }

  function setReportBusy(busy) {
    const submitButton = els.reportForm.querySelector("button[type=submit]");
    submitButton.disabled = busy;
    submitButton.textContent = busy ? "Sending…" : "Send report";
  }

  function submitReport() {
    if (!state.report) {
      return;
    }
    const reason = els.reportReason.value.trim();
    if (!reason) {
      els.reportError.textContent = "Say what worries you about this message.";
      els.reportReason.focus();
      return;
    }
    if (reason.length > MAX_REASON) {
      els.reportError.textContent =
        "A concern can be at most " + MAX_REASON + " characters; this one has " + reason.length + ".";
      return;
    }
    if (!sendFrame({ type: "report", seq: state.report.seq, reason: reason })) {
      els.reportError.textContent =
        "You are not connected right now. Try again in a moment; your words are still here.";
      return;
    }
    els.reportError.textContent = "";
    state.reportPending = state.report.seq;
    setReportBusy(true);
  }

  function onReported(frame) {
    const li = state.items.get(frame.seq);
    if (li && !li.querySelector(".msg-reported")) {
      li.querySelector(".msg-foot").appendChild(
        make("p", "msg-reported", "You reported this message.")
      );
    }
    if (state.report && state.report.seq === frame.seq) {
      closeReport();
    }
    showStatus("Thanks — program staff have been told.", { kind: "ok" });
  }

  /* ---------- wiring ---------- */

  els.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  els.input.addEventListener("keydown", (event) => {
    if (
      event.key === "Enter" &&
      !event.shiftKey &&
      !event.ctrlKey &&
      !event.altKey &&
      !event.metaKey &&
      !event.isComposing
    ) {
      event.preventDefault();
      submit();
    }
  });
  els.input.addEventListener("input", typed);
  els.older.addEventListener("click", loadOlder);
  els.log.addEventListener("scroll", () => {
    if (els.log.scrollTop < 60) {
      loadOlder();
    }
    if (nearBottom()) {
      els.jump.hidden = true;
    }
  });
  els.jump.addEventListener("click", () => {
    scrollToBottom();
    els.log.focus();
  });
  els.supportClose.addEventListener("click", () => {
    els.support.hidden = true;
    els.input.focus();
  });
  els.reportForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submitReport();
  });
  els.reportCancel.addEventListener("click", closeReport);
  els.dialog.addEventListener("close", () => {
    if (state.report) {
      closeReport();
    }
  });
  els.reportReason.addEventListener("input", () => {
    const left = MAX_REASON - els.reportReason.value.length;
    els.reportForm.querySelector("#report-count").textContent =
      left >= 0 ? left + " characters left." : -left + " characters too many.";
  });
  window.addEventListener("offline", () => {
    dropSocket();
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    setConnection("offline");
    refreshPendingLabels();
  });
  window.addEventListener("online", () => {
    state.attempts = 0;
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    connect();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !state.socket && !state.ended) {
      clearTimeout(state.reconnectTimer);
      state.reconnectTimer = null;
      connect();
    }
  });

  renderHistoryEdge();
  els.historyNote.textContent = "Loading messages…";
  connect();
})();
