/* Sanpalang console: live alert board (server-sent events) and deadline countdowns.
   No framework, no external resource; the server renders every row, this file only places them. */
(function () {
  "use strict";
  var lang = (document.querySelector('meta[name="lang"]') || {}).content || "en";
  var RANK = { Critical: 0, Warning: 1, Info: 2 };

  function countdown(dueIso, now) {
    if (!dueIso) { return "\u2014"; }
    var s = Math.round((Date.parse(dueIso) - now) / 1000), late = s < 0;
    s = Math.abs(s);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var u = lang === "th" ? ["\u0e27\u0e31\u0e19", "\u0e0a\u0e21.", "\u0e19\u0e32\u0e17\u0e35"] : ["d", "h", "min"];
    var parts = [];
    [d, h, m].forEach(function (n, i) { if (n) { parts.push(n + " " + u[i]); } });
    var text = parts.slice(0, 2).join(" ") || ("0 " + u[2]);
    if (late) { return (lang === "th" ? "\u0e40\u0e25\u0e22\u0e01\u0e33\u0e2b\u0e19\u0e14 " : "overdue ") + text; }
    return text;
  }

  /* Deadlines count from the hub's clock (meta hub-clock): on event time (a replay, the demo) that
     is the feed's time, which only the hub moves (the live alerts carry it); otherwise the wall. */
  var hub = document.querySelector('meta[name="hub-clock"]');
  var hubMode = hub ? hub.getAttribute("data-mode") : "wall";
  var hubAt = hub ? Date.parse(hub.getAttribute("content")) : NaN;

  function clockNow() { return hubMode === "event" && !isNaN(hubAt) ? hubAt : Date.now(); }

  function tick() {
    var now = clockNow();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = el.getAttribute("data-due");
      if (!due) { return; }
      el.textContent = countdown(due, now);
      el.classList.toggle("overdue", Date.parse(due) < now);
    });
  }

  function key(row) {
    var due = row.getAttribute("data-due");
    return [RANK[row.getAttribute("data-severity")] !== undefined ? RANK[row.getAttribute("data-severity")] : 9,
            due ? Date.parse(due) : Infinity];
  }

  function before(a, b) {
    var ka = key(a), kb = key(b);
    return ka[0] < kb[0] || (ka[0] === kb[0] && ka[1] < kb[1]);
  }

  function firstRow(group) { return group.querySelector("tr.alert"); }

  function groupFor(table, data) {
    var id = data.case_id || "";
    var found = Array.prototype.find.call(table.querySelectorAll("tbody.case-group"), function (g) {
      return g.getAttribute("data-case-id") === id;
    });
    if (found) { return found; }
    var holder = document.createElement("table");
    holder.innerHTML = data.group;
    return holder.querySelector("tbody");
  }

  function placeGroup(table, group) {
    /* the cases in the order of their most urgent alert, as the server renders them */
    if (group.parentNode) { group.parentNode.removeChild(group); }
    if (!firstRow(group)) { return; }
    var next = Array.prototype.find.call(table.querySelectorAll("tbody.case-group"), function (g) {
      return firstRow(g) && before(firstRow(group), firstRow(g));
    });
    table.insertBefore(group, next || null);
  }

  function place(data) {
    if (data.hub_now) { hubMode = data.hub_mode; hubAt = Date.parse(data.hub_now); }
    var table = document.getElementById("board");
    if (!table) { return; }
    var old = document.getElementById("alert-" + data.alert_id);
    var oldGroup = old && old.parentNode;
    if (old) { old.parentNode.removeChild(old); }
    if (oldGroup) { placeGroup(table, oldGroup); }
    if (data.state !== "Resolved") {
      var group = groupFor(table, data);
      var holder = document.createElement("tbody");
      holder.innerHTML = data.html;
      var row = holder.firstElementChild;
      row.classList.add("fresh");
      var next = Array.prototype.find.call(group.querySelectorAll("tr.alert"), function (r) { return before(row, r); });
      group.insertBefore(row, next || null);
      placeGroup(table, group);
    }
    var empty = document.getElementById("board-empty");
    if (empty) { empty.hidden = table.querySelectorAll("tr.alert").length > 0; }
    tick();
  }

  function live() {
    if (!document.body.hasAttribute("data-live") || !window.EventSource) { return; }
    var status = document.getElementById("live-status");
    var since = status && status.getAttribute("data-since");
    var source = new EventSource("/events" + (since ? "?since=" + encodeURIComponent(since) : ""));
    source.addEventListener("open", function () {
      if (status) { status.classList.remove("down"); status.textContent = status.getAttribute("data-live-text") || status.textContent; }
    });
    source.addEventListener("alert", function (e) { place(JSON.parse(e.data)); });
    source.addEventListener("error", function () {
      if (status) {
        if (!status.getAttribute("data-live-text")) { status.setAttribute("data-live-text", status.textContent); }
        status.classList.add("down"); status.textContent = status.getAttribute("data-offline");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
    live();
  });
}());
