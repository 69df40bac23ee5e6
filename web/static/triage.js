// kntc triage inbox: new arrivals come in without a reload. Every few seconds
// (while the tab is visible) it asks /triage/fragment for the rows changed since
// the newest it holds and puts the ones it lacks at the top of the list. Without
// JavaScript a reload shows them.
(function () {
  "use strict";
  var list = document.getElementById("triage-list");
  // Only the first page polls (data-poll, with the unit kept): arrivals come at its top.
  var base = list && list.getAttribute("data-poll");
  if (!base || !window.fetch) return;
  var every = 4000;
  var busy = false;
  function poll() {
    if (busy || document.visibilityState === "hidden") return;
    busy = true;
    var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(list.getAttribute("data-since") || "0");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" }, redirect: "error" })
      .then(function (res) {
        var since = res.headers.get("X-Triage-Since");
        if (!since) throw new Error("not the triage fragment");
        list.setAttribute("data-since", since);
        var total = res.headers.get("X-Triage-Total");
        if (total !== null) list.setAttribute("data-total", total);
        return res.status === 200 ? res.text() : "";
      })
      .then(function (html) {
        busy = false;
        if (!html) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var added = 0;
        var items = tpl.content.querySelectorAll("li[data-id]");
        for (var i = items.length - 1; i >= 0; i--) {
          if (document.getElementById("doc-" + items[i].getAttribute("data-id"))) continue;
          list.insertBefore(items[i], list.firstChild);
          added++;
        }
        if (!added) return;
        var empty = document.getElementById("triage-empty");
        if (empty) empty.hidden = true;
        var live = document.getElementById("triage-live");
        if (live) live.textContent = (live.getAttribute("data-msg") || "+%d").replace("%d", added);
        var count = document.getElementById("triage-total");
        var total = list.getAttribute("data-total");
        if (count && total !== null && count.getAttribute("data-msg")) {
          count.textContent = count.getAttribute("data-msg").replace("%d", total);
        }
      })
      .catch(function () { busy = false; });
  }
  window.setInterval(poll, every);
})();
