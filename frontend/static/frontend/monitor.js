/* The monitor's live review queue (/monitor/).
 *
 * Listens on /ws/monitor/ for `flag` frames and re-fetches GET /api/monitor/flags/
 * (the same objects), then redraws the crisis alert, the queue table and the by-circle
 * list. Works without this file: the page is server-rendered. Dependency-free; builds
 * every node with createElement/textContent, never HTML strings. Settings arrive
 * through json_script (#monitor-settings).
 */
(function () {
  "use strict";

  const settingsNode = document.getElementById("monitor-settings");
  if (!settingsNode) {
    return;
  }
  const settings = JSON.parse(settingsNode.textContent);
  const els = {
    status: document.getElementById("feed-status"),
    crisis: document.getElementById("crisis"),
    crisisList: document.getElementById("crisis-list"),
    queue: document.getElementById("queue-body"),
    empty: document.getElementById("queue-empty"),
    circles: document.getElementById("circle-list"),
  };
  const REFRESH_MS = 60000; // claims lapse and crisis timers run without any frame
  const baseTitle = document.title;
  let socket = null;
  let attempts = 0;
  let pending = null;
  let fetching = false;
  let again = false;

  function setStatus(state, text) {
    els.status.dataset.state = state;
    els.status.textContent = text;
  }

  function timeLabel(iso) {
    return iso ? String(iso).slice(0, 16).replace("T", " ") + " UTC" : "";
  }

  function link(template, id, text) {
    const a = document.createElement("a");
    a.href = template.replace("{id}", String(Number(id)));
    a.textContent = text;
    return a;
  }

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) {
      td.appendChild(content);
    } else {
      td.textContent = content;
    }
    row.appendChild(td);
    return td;
  }

  function crisisItem(flag) {
    const li = document.createElement("li");
    li.className = "crisis-item";
    const title = document.createElement("p");
    title.className = "crisis-title";
    title.appendChild(
      link(settings.flagPage, flag.id, "Crisis in " + flag.circle_name + ", message " + flag.seq)
    );
    li.appendChild(title);
    let state;
    if (flag.status === "escalated") {
      state = "escalated to administrators";
    } else if (flag.acknowledged_at) {
      state = "acknowledged";
    } else {
      state = "not acknowledged yet; escalates " + timeLabel(flag.escalates_at);
    }
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent =
      flag.program_name + " · raised " + timeLabel(flag.created_at) + " · " + state +
      (flag.claimed_by ? " · " + flag.claimed_by.name + " is on it" : "");
    li.appendChild(meta);
    const steps = document.createElement("p");
    steps.className = "crisis-steps";
    steps.textContent = flag.crisis_steps;
    li.appendChild(steps);
    return li;
  }

  function queueRow(flag) {
    const tr = document.createElement("tr");
    if (flag.held) {
      tr.classList.add("row-held");
    }
    if (flag.status === "escalated") {
      tr.classList.add("row-escalated");
    }
    cell(tr, link(settings.flagPage, flag.id, "Flag " + flag.id));
    cell(tr, flag.circle_name);
    cell(tr, flag.category_label);
    if (flag.held) {
      const badge = document.createElement("span");
      badge.className = "badge badge-waiting";
      badge.textContent = "Held";
      cell(tr, badge);
    } else {
      cell(tr, flag.message_status || "not sent");
    }
    cell(tr, flag.status);
    cell(
      tr,
      flag.claimed_by ? flag.claimed_by.name + " until " + timeLabel(flag.claim_expires_at) : "—"
    );
    cell(tr, timeLabel(flag.created_at));
    return tr;
  }

  function circleItems(flags) {
    const counts = new Map();
    for (const flag of flags) {
      const entry = counts.get(flag.circle) || { id: flag.circle, name: flag.circle_name, count: 0 };
      entry.count += 1;
      counts.set(flag.circle, entry);
    }
    const sorted = Array.from(counts.values()).sort(
      (a, b) => b.count - a.count || a.name.localeCompare(b.name)
    );
    if (!sorted.length) {
      const li = document.createElement("li");
      li.className = "meta";
      li.textContent = "No circle has open flags.";
      return [li];
    }
    return sorted.map((circle) => {
      const li = document.createElement("li");
      li.appendChild(link(settings.circlePage, circle.id, circle.name));
      li.appendChild(document.createTextNode(" "));
      const count = document.createElement("span");
      count.className = "meta";
      count.textContent = circle.count + " open";
      li.appendChild(count);
      return li;
    });
  }

  function render(flags) {
    const urgent = flags.filter((flag) => flag.urgent);
    const rest = flags.filter((flag) => !flag.urgent);
    const signature = urgent
      .map((f) => [f.id, f.status, f.acknowledged_at, f.claimed_by && f.claimed_by.id].join(":"))
      .join(",");
    if (signature !== els.crisisList.dataset.signature) {
      // Replacing the alert's content makes screen readers announce it: only on change.
      els.crisisList.dataset.signature = signature;
      els.crisisList.replaceChildren(...urgent.map(crisisItem));
    }
    els.crisis.hidden = urgent.length === 0;
    els.queue.replaceChildren(...rest.map(queueRow));
    els.empty.hidden = rest.length > 0;
    els.circles.replaceChildren(...circleItems(flags));
    document.title = (urgent.length ? "(" + urgent.length + " urgent) " : "") + baseTitle;
  }

  async function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(settings.flagsUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 401) {
        setStatus("ended", "You have been logged out. Log in again to see the queue.");
        return;
      }
      if (response.ok) {
        const data = await response.json();
        render(Array.isArray(data.flags) ? data.flags : []);
      }
    } catch (error) {
      setStatus("offline", "Could not reach the server; retrying.");
    } finally {
      fetching = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function soon() {
    // Several frames arrive together (a held message raises two flags): fetch once.
    if (pending === null) {
      pending = setTimeout(() => {
        pending = null;
        refresh();
      }, 150);
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    setStatus(attempts ? "reconnecting" : "connecting", "Connecting to live updates…");
    socket = new WebSocket(scheme + window.location.host + settings.socketPath);
    socket.addEventListener("open", () => {
      attempts = 0;
      setStatus("connected", "Live: new flags appear here as they are raised.");
      refresh(); // anything raised while disconnected
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (frame && frame.type === "flag") {
        soon();
      }
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (event.code === 4401) {
        setStatus("ended", "You have been logged out. Log in again to see the queue.");
        return;
      }
      if (event.code === 4403) {
        setStatus("ended", "Live updates are for program staff only.");
        return;
      }
      attempts += 1;
      const delay = Math.min(30000, 1000 * 2 ** Math.min(attempts, 5));
      setStatus("reconnecting", "Live updates lost; reconnecting…");
      setTimeout(connect, delay);
    });
  }

  connect();
  setInterval(refresh, REFRESH_MS);
})();
