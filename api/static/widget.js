/* Journey Assistant chat widget. Embed with:
 *   <script src="https://YOUR-HOST/widget.js" defer></script>
 * Optional attributes on the script tag: data-title, data-greeting, data-privacy (the URL of
 * the privacy text the chat's notice links to), data-consent="required" (the visitor agrees
 * before anything is stored, in this browser or on the server).
 * No dependencies, no external requests: it only talks to the host it was loaded from. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var title = script.getAttribute("data-title") || "Ask us anything";
  var greeting = script.getAttribute("data-greeting") ||
    "Hi! I answer from our help centre and can bring in a person any time.";
  var privacy = script.getAttribute("data-privacy");
  var store = window.localStorage;
  var consented = script.getAttribute("data-consent") !== "required" || store.getItem("journey.consent") === "yes";
  // The visitor's token: the server issues it with the first conversation and wants it back
  // on every call; it reaches this visitor's conversations and no one else's.
  var visitorToken = store.getItem("journey.token");
  var conversationId = store.getItem("journey.conversation");
  var status = "bot";
  var seen = {};
  var lastSeen = 0;  // the newest message id shown: polling asks only for what came after
  var poller = null;

  var css = "#ja-launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#3b5bdb;color:#fff;display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}" +
    "#ja-panel{position:fixed;right:20px;bottom:88px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);font:14px/1.45 system-ui,sans-serif;color:#1d2433;z-index:2147483000;overflow:hidden}" +
    "#ja-panel.open{display:flex}#ja-head{background:#3b5bdb;color:#fff;padding:12px 14px;font-weight:600;display:flex;justify-content:space-between;align-items:center}" +
    "#ja-head button{background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:6px;font-size:12px;padding:3px 8px;cursor:pointer}" +
    "#ja-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7fb}" +
    ".ja-msg{max-width:85%;padding:8px 11px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}" +
    ".ja-visitor{align-self:flex-end;background:#3b5bdb;color:#fff}.ja-bot,.ja-agent{align-self:flex-start;background:#fff;border:1px solid #e3e6ee}" +
    ".ja-agent{border-color:#12b886}.ja-system{align-self:center;color:#5b6475;font-size:12px}" +
    ".ja-bot,.ja-agent{white-space:normal}.ja-msg p{margin:0 0 6px}.ja-msg p:last-of-type{margin-bottom:0}" +
    ".ja-msg ul,.ja-msg ol{margin:4px 0;padding-left:20px}.ja-msg a{color:#3b5bdb}" +
    ".ja-msg table{border-collapse:collapse;font-size:13px;margin:4px 0}.ja-msg th,.ja-msg td{border:1px solid #e3e6ee;padding:2px 6px;text-align:left}" +
    ".ja-sources{margin-top:6px;font-size:12px;color:#5b6475}.ja-sources a{color:#3b5bdb}" +
    ".ja-suggestions{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}" +
    ".ja-suggestion{border:1px solid #3b5bdb;background:#fff;color:#3b5bdb;border-radius:14px;padding:4px 12px;font:inherit;font-size:13px;cursor:pointer}" +
    "#ja-form{display:flex;border-top:1px solid #e3e6ee}#ja-input{flex:1;border:0;padding:12px;font:inherit}" +
    "#ja-form button{border:0;background:#fff;color:#3b5bdb;font-weight:600;padding:0 14px;cursor:pointer}" +
    "#ja-panel :focus-visible{outline:3px solid #f59f00;outline-offset:1px}" +
    // (inside the input: the panel's rounded corners clip what is drawn outside it)
    "#ja-panel #ja-input:focus-visible{outline-offset:-3px}" +
    "#ja-head .ja-actions{display:flex;gap:6px}" +
    ".ja-notice{font-size:11px;color:#5b6475;text-align:center;padding:0 8px}.ja-notice a{color:#3b5bdb}" +
    ".ja-typing{align-self:flex-start;color:#5b6475;background:#fff;border:1px solid #e3e6ee;letter-spacing:2px}" +
    ".ja-rate{display:flex;gap:6px;margin-top:6px}.ja-rate button{border:1px solid #e3e6ee;background:#fff;color:#5b6475;border-radius:12px;font:inherit;font-size:12px;padding:1px 9px;cursor:pointer}" +
    ".ja-rate button[aria-pressed=true]{border-color:#3b5bdb;color:#3b5bdb;font-weight:600}" +
    ".ja-csat{align-self:stretch;background:#fff;border:1px solid #e3e6ee;border-radius:10px;padding:10px;display:flex;flex-direction:column;gap:8px}" +
    ".ja-csat .ja-scores{display:flex;gap:6px}.ja-csat .ja-scores button{flex:1;border:1px solid #3b5bdb;background:#fff;color:#3b5bdb;border-radius:8px;padding:6px 0;font:inherit;cursor:pointer}" +
    ".ja-csat .ja-scores button[aria-pressed=true]{background:#3b5bdb;color:#fff}.ja-csat textarea{font:inherit;border:1px solid #e3e6ee;border-radius:6px;padding:6px}" +
    ".ja-csat .ja-send-rating{align-self:flex-end;border:0;background:#3b5bdb;color:#fff;border-radius:6px;padding:5px 12px;font:inherit;cursor:pointer}" +
    "@media (max-width:480px){#ja-panel{right:8px;left:8px;width:auto;max-width:none;bottom:80px;height:calc(100vh - 100px)}#ja-launcher{right:12px;bottom:12px}}";
  var style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);

  var launcher = el("button", {id: "ja-launcher", "aria-label": "Open chat", title: "Chat with us"});
  // An inline icon: fonts with emoji are not on every machine.
  launcher.innerHTML = '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var panel = el("div", {id: "ja-panel", role: "dialog", "aria-label": title});
  var human = el("button", {type: "button", id: "ja-human"}, "Talk to a person");
  var end = el("button", {type: "button", id: "ja-end", title: "End the chat and rate it"}, "End chat");
  var head = el("div", {id: "ja-head"}, [el("span", {id: "ja-title"}, title),
                                         el("span", {"class": "ja-actions"}, [human, end])]);
  var log = el("div", {id: "ja-log", "aria-live": "polite"});
  var input = el("input", {id: "ja-input", placeholder: "Type your question…", autocomplete: "off",
                           maxlength: "4000", "aria-label": "Your message"});
  var send = el("button", {type: "submit"}, "Send");
  var form = el("form", {id: "ja-form"}, [input, send]);
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(form);
  document.body.appendChild(launcher); document.body.appendChild(panel);

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    [].concat(children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function bubble(role, text) {
    var node = el("div", {"class": "ja-msg ja-" + role}, role === "bot" || role === "agent" ? [] : text);
    if (role === "bot" || role === "agent") { setMarkdown(node, text); }
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  // The assistant's and agents' messages are Markdown (bold, lists, links, small tables).
  // What comes from the knowledge or a person is sanitised: no HTML of theirs runs here.
  var ALLOWED = {
    ALLOWED_TAGS: ["p", "br", "strong", "b", "em", "i", "code", "ul", "ol", "li", "a",
                   "table", "thead", "tbody", "tr", "th", "td"],
    ALLOWED_ATTR: ["href"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i
  };
  function setMarkdown(node, text) {
    node.markdown = text;
    node.innerHTML = DOMPurify.sanitize(marked.parse(text, {breaks: true, gfm: true}), ALLOWED);
    Array.prototype.forEach.call(node.querySelectorAll("a"), function (a) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    });
  }

  function showSources(node, citations) {
    if (!citations || !citations.length) return;
    var box = el("div", {"class": "ja-sources"}, "Sources: ");
    citations.forEach(function (c, i) {
      var label = "[" + c.number + "] " + c.title;
      // Only a web link is a link: a source's URL is the knowledge's, not ours to trust.
      var web = c.url && /^(https?:\/\/|\/)/i.test(c.url);
      box.appendChild(web ? el("a", {href: c.url, target: "_blank", rel: "noopener"}, label) : el("span", {}, label));
      if (i < citations.length - 1) box.appendChild(document.createTextNode(" · "));
    });
    node.appendChild(box);
  }

  // Next steps for a known visitor ("Book a demo"): a button says it for them, and the step
  // counts as taken.
  function showSuggestions(suggestions) {
    if (!suggestions || !suggestions.length) return;
    var box = el("div", {"class": "ja-suggestions"}, []);
    suggestions.forEach(function (s) {
      var button = el("button", {type: "button", "class": "ja-suggestion"}, s.label);
      button.addEventListener("click", function () {
        box.remove();
        api("/chat/conversations/" + conversationId + "/suggestions/" + encodeURIComponent(s.action), {})
          .catch(function () {});
        ask(s.label);
      });
      box.appendChild(button);
    });
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }

  function api(path, body) {
    return fetch(base + path, {
      method: body === undefined ? "GET" : "POST",
      headers: headers(),
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.detail || data.error || r.statusText); }
        return data;
      });
    });
  }

  function ensureConversation() {
    if (conversationId) return Promise.resolve(conversationId);
    return api("/chat/conversations", {page_url: location.href}).then(function (c) {
      conversationId = c.id;
      visitorToken = c.visitor_token;
      store.setItem("journey.conversation", c.id);
      store.setItem("journey.token", c.visitor_token);
      store.setItem("journey.visitor", c.visitor_id);  // the site may identify the visitor by it
      return c.id;
    });
  }

  function headers() {
    var sent = {"Content-Type": "application/json"};
    if (visitorToken) { sent["Journey-Visitor"] = visitorToken; }
    return sent;
  }

  function restore() {
    var notice = el("p", {"class": "ja-notice"}, "This chat is stored to answer you and to improve our service. ");
    if (privacy) { notice.appendChild(el("a", {href: privacy, target: "_blank", rel: "noopener"}, "Privacy")); }
    log.appendChild(notice);
    if (!consented) {
      // Nothing is stored, here or on the server, until the visitor agrees.
      var agree = el("button", {type: "button", "class": "ja-suggestion", id: "ja-agree"}, "I agree");
      notice.appendChild(document.createTextNode(" "));
      notice.appendChild(agree);
      input.disabled = true; send.disabled = true; human.disabled = true; end.disabled = true;
      agree.addEventListener("click", function () {
        consented = true;
        store.setItem("journey.consent", "yes");
        agree.remove();
        input.disabled = false; send.disabled = false; human.disabled = false; end.disabled = false;
        input.focus();
      });
    }
    if (!conversationId) { bubble("bot", greeting); return; }
    api("/chat/conversations/" + conversationId).then(function (t) {
      if (t.conversation.status === "closed") { forget(); bubble("bot", greeting); return; }
      t.messages.forEach(render);
      setStatus(t.conversation.status);
    }).catch(function () { forget(); bubble("bot", greeting); });
  }

  function render(m) {
    if (seen[m.id]) return;
    see(m);
    var node = bubble(m.role, m.text);
    if (m.role === "bot" && m.meta) {
      showSources(node, m.meta.citations);
      // (as when it streamed: a hand-off is no answer to rate)
      if (m.meta.kind !== "handoff") showRating(node, m.id, m.meta.helpful);
    }
  }

  // Thumbs up or down on an answer: the team sees which answers help.
  function showRating(node, messageId, helpful) {
    if (!messageId) return;
    var box = el("div", {"class": "ja-rate", role: "group", "aria-label": "Was this answer helpful?"});
    [[true, "Helpful"], [false, "Not helpful"]].forEach(function (choice) {
      var button = el("button", {type: "button", "aria-pressed": String(helpful === choice[0])}, choice[1]);
      button.addEventListener("click", function () {
        api("/chat/conversations/" + conversationId + "/messages/" + messageId + "/rating", {helpful: choice[0]})
          .then(function () {
            Array.prototype.forEach.call(box.children, function (b) { b.setAttribute("aria-pressed", String(b === button)); });
          }).catch(function () {});
      });
      box.appendChild(button);
    });
    node.appendChild(box);
  }

  function typing() {
    var node = el("div", {"class": "ja-msg ja-typing", role: "status", "aria-label": "The assistant is writing"}, "•••");
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  // The end of the chat: how did we do, 1 to 5 (a CSAT answer), then a fresh start.
  function askRating() {
    if (!conversationId || log.querySelector(".ja-csat")) return;
    var score = 0;
    var box = el("form", {"class": "ja-csat", "aria-label": "Rate this chat"});
    var scores = el("div", {"class": "ja-scores", role: "group", "aria-label": "1 very unhappy, 5 very happy"});
    [1, 2, 3, 4, 5].forEach(function (n) {
      var button = el("button", {type: "button", "aria-pressed": "false", "aria-label": n + " of 5"}, String(n));
      button.addEventListener("click", function () {
        score = n;
        Array.prototype.forEach.call(scores.children, function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      });
      scores.appendChild(button);
    });
    var comment = el("textarea", {rows: "2", maxlength: "4000", "aria-label": "Anything to add? (optional)", placeholder: "Anything to add? (optional)"});
    var submit = el("button", {type: "submit", "class": "ja-send-rating"}, "Send rating");
    box.appendChild(el("strong", {}, "How did we do?"));
    box.appendChild(scores); box.appendChild(comment); box.appendChild(submit);
    box.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!score) { scores.firstChild.focus(); return; }
      api("/chat/conversations/" + conversationId + "/csat", {score: score, comment: comment.value || null})
        .then(function () {
          box.remove();
          bubble("system", "Thank you for your rating. A new question starts a new chat.");
          forget(); setStatus("bot");
          input.focus();  // the focus stays in the chat, where it was
        }).catch(function (err) { bubble("system", "Sorry: " + err.message); });
    });
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
    scores.firstChild.focus();
  }

  // After a dropped connection: what the server stored and this page has not shown.
  function catchUp() {
    if (!conversationId) return Promise.resolve();
    return api("/chat/conversations/" + conversationId + "?after=" + lastSeen).then(function (t) {
      t.messages.forEach(function (m) { if (m.role !== "visitor") render(m); else see(m); });
      setStatus(t.conversation.status);
    });
  }

  function see(m) {
    seen[m.id] = true;
    lastSeen = Math.max(lastSeen, m.id);
  }

  function forget() { conversationId = null; store.removeItem("journey.conversation"); }

  function setStatus(next) {
    if (next === "closed") { closedByTeam(); return; }
    status = next;
    human.disabled = next !== "bot";
    human.textContent = next === "bot" ? "Talk to a person" : (next === "human" ? "With a person" : "Waiting for a person…");
    // While a person is (about to be) on the line, their messages arrive by polling.
    if (next !== "bot" && !poller) { poller = setInterval(poll, 3000); }
    if (next === "bot" && poller) { clearInterval(poller); poller = null; }
  }

  // Our team closed the chat: said so, and the next question starts a new one.
  function closedByTeam() {
    if (conversationId) {
      forget();
      bubble("system", "Our team has closed this chat. A new question starts a new chat.");
    }
    setStatus("bot");
  }

  function poll() {
    if (!conversationId) return;
    api("/chat/conversations/" + conversationId + "?after=" + lastSeen).then(function (t) {
      // Bot replies arrived by streaming; only a person's and system messages are new here.
      t.messages.forEach(function (m) {
        if (m.role === "agent" || m.role === "system") render(m); else see(m);
      });
      setStatus(t.conversation.status);
    }).catch(function () {});
  }

  function ask(text, again) {
    if (!again) bubble("visitor", text);
    input.value = ""; input.disabled = true; send.disabled = true;
    var node = null;
    var dots = typing();
    var done = false;
    var resend = false;
    ensureConversation().then(function (id) {
      return fetch(base + "/chat/conversations/" + id + "/messages/stream", {
        method: "POST", headers: headers(), body: JSON.stringify({text: text})
      });
    }).then(function (response) {
      if (!response.ok) { return response.json().then(function (e) { throw new Error(e.detail || e.error); }); }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, {stream: true});
          var blocks = buffer.split("\n\n");
          buffer = blocks.pop();
          blocks.forEach(function (block) {
            var event = (block.match(/^event: (.*)$/m) || [])[1];
            var data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || "null");
            if (dots) { dots.remove(); dots = null; }
            if (event === "token") {
              node = node || bubble("bot", "");
              setMarkdown(node, node.markdown + data.text);
              log.scrollTop = log.scrollHeight;
            } else if (event === "sources" && node) {
              showSources(node, data);
            } else if (event === "done") {
              done = true;
              if (data.message_id) {
                see({id: data.message_id});
                if (node && data.kind !== "handoff") showRating(node, data.message_id, null);
              }
              setStatus(data.status);
              showSuggestions(data.suggestions);
            } else if (event === "error") {
              bubble("system", "Sorry, something went wrong: " + data.detail);
            }
          });
          return pump();
        });
      }
      return pump();
    }).then(function () {
      // The stream ended without its last event: the connection dropped. The reply may be
      // stored all the same: show it from the server, once, instead of a half.
      if (!done && conversationId) {
        if (node) { node.remove(); }
        return catchUp();
      }
    }).catch(function (err) {
      if (node) { node.remove(); }
      var was = conversationId;
      return catchUp().catch(function () {}).then(function () {
        // Closed by our team meanwhile: the question is asked again, in a new chat.
        if (was && !conversationId && !again) { resend = true; return; }
        bubble("system", "Sorry, the message could not be sent (" + err.message + ").");
      });
    }).then(function () {
      if (dots) { dots.remove(); }
      input.disabled = false; send.disabled = false; input.focus();
      if (resend) { ask(text, true); } else { poll(); }
    });
  }

  function toggle(open) {
    panel.classList.toggle("open", open);
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { (panel.querySelector("#ja-agree") || input).focus(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { toggle(!panel.classList.contains("open")); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { toggle(false); } });
  end.addEventListener("click", askRating);
  // A message longer than the chat takes is cut where it is typed or pasted: said so, once.
  var cutShown = false;
  input.addEventListener("input", function () {
    var full = input.value.length >= input.maxLength;
    if (full && !cutShown) { bubble("system", "A message can be up to 4,000 characters; the rest was left out."); }
    cutShown = full;
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) ask(text);
  });
  human.addEventListener("click", function () {
    ensureConversation().then(function (id) { return api("/chat/conversations/" + id + "/handoff", {}); })
      .then(function (c) { setStatus(c.status); bubble("system", "A person from our team will join here shortly."); })
      .catch(function (err) { bubble("system", "Sorry: " + err.message); });
  });
  restore();
})();
