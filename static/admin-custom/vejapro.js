/* VejaPRO back office helpers: Ctrl/Cmd+K search focus, confirm dialogs, POST forms sent once, phone menu,
   opening the linked collapsed block, results shown at the section a button returns to, copy buttons, auto-submit,
   margin preview.
   Self-hosted and without inline code (admin CSP: script-src 'self'). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }

  // Ctrl+K / Cmd+K focuses the global search box.
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      var box = document.getElementById("vp-global-search-input");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });

  // Confirm dialogs with «Taip» / «Atšaukti»: a form or its submit button carries data-confirm.
  var pending = null;
  function dialog() { return document.getElementById("vp-confirm"); }
  function closeDialog() { var d = dialog(); if (d) { d.hidden = true; } pending = null; }

  // A POST form is sent once: a second click (or tap) while the page is loading would repeat the action
  // (a second resend e-mail, a second retry).
  function sendOnce(event, form) {
    if ((form.method || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
  }
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; sendOnce(event, form); return; }
    var text = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    var d = dialog();
    if (!text || !d) { sendOnce(event, form); return; }
    event.preventDefault();
    pending = { form: form, submitter: submitter };
    document.getElementById("vp-confirm-text").textContent = text;
    d.hidden = false;
    d.querySelector("[data-confirm-yes]").focus();
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-confirm-yes]") && pending) {
      var form = pending.form;
      var submitter = pending.submitter;
      closeDialog();
      form.dataset.confirmed = "1";
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    } else if (target.closest("[data-confirm-no]")) {
      closeDialog();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && pending) { closeDialog(); }
  });

  // «Meniu» on phones: Django hides its navigation side bar below 768 px; the button shows it above the page.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) { return; }
    var open = document.body.classList.toggle("vp-nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { window.scrollTo(0, 0); }
  });

  // A link or redirect to a section inside a collapsed block («Papildomos parinktys», #papildomos) opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.closest("details");
    if (details) { details.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);

  // A button lower on the page returns to its section (#mokejimai, #veiksmas-…): its result messages, printed at
  // the top of the page, are moved to the top of that section, where the person is looking.
  function messagesToSection() {
    var list = document.querySelector("ul.messagelist");
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!list || !target || !target.closest(".vp-project-screen #content")) { return; }
    list.classList.add("vp-local-messages");
    list.setAttribute("role", "status");
    var heading = target.querySelector(":scope > h2, :scope > summary");
    if (heading) { heading.after(list); } else { target.prepend(list); }
    target.scrollIntoView();
  }

  onReady(function () {
    openTarget();
    messagesToSection();

    // «Kopijuoti»: copy the value or text of the element named by data-copy.
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.copy);
        if (!source) { return; }
        var text = source.value !== undefined ? source.value : source.textContent;
        var done = function () { button.textContent = button.dataset.copied || button.textContent; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done);
        } else {
          if (source.select) { source.select(); }
          try { document.execCommand("copy"); done(); } catch (e) { /* nothing to do */ }
        }
      });
    });

    // Checkboxes that submit their form at once («Rodyti visus»).
    document.querySelectorAll("[data-autosubmit]").forEach(function (box) {
      box.addEventListener("change", function () { box.form.submit(); });
    });

    // Live preview of a new margin rule.
    var preview = document.querySelector("[data-margin-preview-text]");
    if (preview) {
      var service = document.querySelector("[data-margin-preview='service']");
      var percent = document.querySelector("[data-margin-preview='percent']");
      var render = function () {
        if (!service.value || !percent.value) { preview.textContent = ""; return; }
        preview.textContent = preview.dataset.template
          .replace("%(service)s", service.value)
          .replace("%(percent)s", percent.value)
          .replace("%%", "%");
      };
      service.addEventListener("input", render);
      percent.addEventListener("input", render);
      render();
    }
  });
})();
