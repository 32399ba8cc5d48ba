// The idea form: keep what the user types in this tab's sessionStorage until the server has it,
// put it back after an interruption (a session that ended, a reload), and add co-authors.
(function () {
  "use strict";
  var form = document.getElementById("idea-form");
  if (!form) {
    return;
  }
  var SKIP = { csrf_token: true, idea_id: true, version: true, intent: true, q: true };
  var PREFIX = "frontline-ideas:draft:";
  var inFlight = null; // the fields an autosave in progress is sending
  var submitting = false; // a full post (Save draft, Submit) is on its way: no more autosaves
  var held = false; // a full post held back until the autosave in progress is done…
  var heldButton = null; // …and the button that sent it

  function key(id) {
    return PREFIX + (id === undefined ? form.elements.idea_id.value || "new" : id);
  }

  function snapshot() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "submit" || el.type === "button") {
        return;
      }
      if (el.type === "checkbox") {
        fields[el.name] = fields[el.name] || [];
        if (el.checked) {
          fields[el.name].push(el.value);
        }
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function read(storageKey) {
    try {
      return JSON.parse(window.sessionStorage.getItem(storageKey));
    } catch (e) {
      return null;
    }
  }

  function store(posted) {
    try {
      window.sessionStorage.setItem(key(), JSON.stringify({
        version: form.elements.version.value, fields: snapshot(), posted: posted === true
      }));
    } catch (e) { /* storage full or disabled: the server autosave still runs */ }
  }

  function forget() {
    window.sessionStorage.removeItem(key());
    window.sessionStorage.removeItem(key("new"));
  }

  function apply(fields) {
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (el) {
        if (el.type === "checkbox") {
          el.checked = value.indexOf(el.value) >= 0;
        } else {
          el.value = value;
        }
      });
    });
  }

  function say(text) {
    var notice = document.getElementById("draft-restored");
    notice.textContent = text;
    notice.hidden = false;
  }

  function restore() {
    var saved = read(key()) || (form.elements.idea_id.value ? null : read(key("new")));
    if (!saved) {
      return;
    }
    // Already on the page, or posted with the form and the server moved the idea on since: done.
    if (same(saved.fields, snapshot()) || (saved.posted && saved.version !== form.elements.version.value)) {
      forget();
      return;
    }
    if (saved.version === form.elements.version.value) {
      apply(saved.fields);
      say("We put back what you typed that had not been saved yet. It is being saved now.");
      htmx.trigger(form, "change");
      return;
    }
    var button = document.getElementById("draft-restore");
    say("This idea was saved by someone else after you last typed here. Your unsaved text is kept in this tab.");
    button.hidden = false;
    button.addEventListener("click", function () {
      apply(saved.fields);
      button.hidden = true;
      say("Your unsaved text is back in the form. It is being saved now.");
      htmx.trigger(form, "change");
    });
  }

  form.addEventListener("input", store);
  form.addEventListener("change", store);
  // A full post waits for an autosave in progress (it would carry a stale version otherwise), and may
  // still meet an ended session: keep the copy until the next page.
  form.addEventListener("submit", function (event) {
    if (inFlight) {
      event.preventDefault();
      held = true;
      heldButton = event.submitter;
      return;
    }
    submitting = true;
    store(true);
  });
  form.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    if (submitting) {
      event.preventDefault();
      return;
    }
    inFlight = snapshot();
  });
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) {
      return;
    }
    inFlight = null;
    if (held) {
      held = false;
      form.requestSubmit(heldButton || undefined); // now with the version that autosave got back
    }
  });
  // The server says the draft is saved: forget the copy, unless more was typed meanwhile.
  form.addEventListener("draftSaved", function () {
    if (inFlight && same(inFlight, snapshot())) {
      forget();
    } else {
      store();
    }
  });

  var search = document.getElementById("co-author-search");
  if (search) {
    // The colleague search is not part of the idea: its typing must not trigger the autosave.
    ["keyup", "input", "change"].forEach(function (name) {
      search.addEventListener(name, function (event) { event.stopPropagation(); });
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-co-author]");
    if (!button) {
      return;
    }
    var field = form.elements.co_authors;
    var emails = field.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    var email = button.getAttribute("data-add-co-author");
    if (emails.indexOf(email) < 0) {
      emails.push(email);
    }
    field.value = emails.join(", ");
    field.dispatchEvent(new Event("change", { bubbles: true }));
    button.disabled = true;
    button.textContent = "Added";
  });

  restore();
})();
