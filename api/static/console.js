// The agent console, live: the server says when something changed (`pulse`), and the page
// fetches itself again and swaps the parts that show data. What the agent is typing is never
// swapped. Without script the pages still work; they just do not refresh themselves.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) { return; }
  var kind = root.getAttribute("data-live");

  // A conversation opens at its newest message: after a reply, the agent sees it sent.
  function showNewest() {
    var list = document.getElementById("messages");
    if (list && list.lastElementChild) { list.lastElementChild.scrollIntoView({ block: "nearest" }); }
  }
  if (kind === "conversation" && !window.location.hash) { showNewest(); }
  if (!window.EventSource) { return; }
  // The parts each page refreshes: the lists and counts, never a form being filled in.
  var parts = {
    inbox: ["#conversations", "#flags", ".views ul", "#queue-title"],
    queue: ["#flags", "#queue-title"],
    conversation: ["#messages", "#conv-status", ".side"]
  }[kind] || [];
  var status = document.getElementById("live-status");
  var seen = null;

  function refresh(news) {
    fetch(window.location.href, { credentials: "same-origin",
                                  headers: { "Accept": "text/html", "Journey-Refresh": "1" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (selector) {
          var now = document.querySelector(selector), next = fresh.querySelector(selector);
          if (!now || !next || now.innerHTML === next.innerHTML || busy(now)) { return; }
          now.innerHTML = next.innerHTML;
        });
        if (status) { status.textContent = news; }
        if (kind === "conversation") { showNewest(); }
      })
      .catch(function () { /* the next pulse tries again */ });
  }

  // A part where the agent is writing (a note, a corrected answer) waits for the next pulse.
  function busy(part) {
    if (part.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    return Array.prototype.some.call(part.querySelectorAll("textarea, input[type=text], input:not([type])"),
      function (field) { return field.value.trim() !== ""; });
  }

  function describe(pulse) {
    if ((pulse.waiting_for_human || 0) > (seen.waiting_for_human || 0)) { return "A visitor is waiting for a person."; }
    if (pulse.message > seen.message) { return "New message."; }
    if (pulse.flag > seen.flag) { return "New item in the review queue."; }
    return "Updated.";
  }

  var source = new EventSource("/console/stream");
  source.addEventListener("pulse", function (event) {
    var pulse = JSON.parse(event.data);
    if (seen !== null) { refresh(describe(pulse)); }
    seen = pulse;
  });
})();
