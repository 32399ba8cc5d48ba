// htmx configuration (SECURITY.md): no eval, no script tags from responses, same-origin only.
htmx.config.selfRequestsOnly = true;
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.historyCacheSize = 0;
htmx.config.includeIndicatorStyles = false; // its <style> tag would break our CSP
// Settling copies the old element's attributes onto the new one; a style attribute set that
// way is an inline style, which our CSP refuses (style-src-attr).
htmx.config.attributesToSettle = ["class", "width", "height"];

// Every htmx request carries the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// A refused form answers 422 (or 409 when someone else saved first) with the form and its
// messages: show it, as for a 200.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 422 || event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A button with data-confirm asks before its form is sent (a removal, a save that sends a running pilot
// back to the committee), in the page's <dialog> (base.html), whose confirm button carries the button's
// own words. Listening in the capture phase runs before htmx sends the form; once confirmed, the form is
// submitted again by the same button and passes.
var confirming = null;
var confirmed = null;
document.addEventListener("submit", function (event) {
  var submitter = event.submitter;
  var question = submitter && submitter.getAttribute("data-confirm");
  var dialog = document.getElementById("confirm-dialog");
  if (!question || !dialog) {
    return;
  }
  if (confirmed === submitter) {
    confirmed = null;
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  confirming = {form: event.target, submitter: submitter};
  dialog.querySelector("#confirm-question").textContent = question;
  dialog.querySelector("[data-answer=yes]").textContent = submitter.textContent.trim();
  dialog.returnValue = "";
  dialog.showModal();
}, true);

document.addEventListener("click", function (event) {
  var answer = event.target.closest("#confirm-dialog [data-answer]");
  if (answer) {
    answer.closest("dialog").close(answer.getAttribute("data-answer"));
  }
});

// "close" does not bubble: caught in the capture phase. Escape closes with no answer, as Cancel does.
document.addEventListener("close", function (event) {
  if (event.target.id !== "confirm-dialog" || !confirming) {
    return;
  }
  var asked = confirming;
  confirming = null;
  if (event.target.returnValue === "yes") {
    confirmed = asked.submitter;
    asked.form.requestSubmit(asked.submitter);
  }
}, true);

// The site menu folds on a phone: CSS hides it only where script can open it again.
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    toggle.setAttribute("aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
  }
});

// Focus after a refusal or a swap (WCAG 2.4.3): a refused form's error summary takes focus, on a
// full page as after an htmx swap; a swap that removed the focused control moves focus to the same
// form's first field (ready for the next hazard, measure or observation), or to the swapped section.
// A swapped section's data-announce is read out through the page's live region.
function focusErrorSummary(root) {
  var summary = root.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
  return summary;
}

document.addEventListener("DOMContentLoaded", function () {
  focusErrorSummary(document);
});

var swapping = null;
document.addEventListener("htmx:beforeSwap", function (event) {
  var form = event.detail.requestConfig && event.detail.requestConfig.elt.closest("form");
  swapping = {target: event.detail.target.id, action: form ? form.getAttribute("action") : null};
});

document.addEventListener("htmx:afterSettle", function () {
  if (!swapping) {
    return;
  }
  var section = swapping.target && document.getElementById(swapping.target);
  var form = swapping.action && document.querySelector('form[action="' + CSS.escape(swapping.action) + '"]');
  swapping = null;
  var announce = section && (section.hasAttribute("data-announce") ? section : section.querySelector("[data-announce]"));
  var live = document.getElementById("announcer");
  if (announce && live) {
    live.textContent = announce.getAttribute("data-announce");
  }
  // A swapped form that names its own field to focus (autofocus, which htmx honours) keeps that choice.
  var chosen = section && section.querySelector("[autofocus]");
  if ((chosen && document.activeElement === chosen) || focusErrorSummary(section || document)
      || (document.activeElement && document.activeElement !== document.body)) {
    return;
  }
  var field = form && form.querySelector("input:not([type=hidden]), textarea, select");
  if (field) {
    field.focus();
  } else if (section) {
    section.setAttribute("tabindex", "-1");
    section.focus();
  }
});

// A link in the error summary puts the cursor in its field, not just the field in view.
document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[href^='#']");
  var field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.focus();
  }
});
