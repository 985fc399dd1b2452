/* Public pages: menu, header on scroll, gallery lightbox with the before/after slider, "load more" paging.
   Every page works without this file; it only adds comfort. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function initMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    nav.addEventListener("click", function (event) {
      if (event.target.tagName === "A") {
        nav.classList.remove("is-open");
        toggle.setAttribute("aria-expanded", "false");
      }
    });
  }

  function initHeader() {
    var header = document.querySelector("[data-scroll-header]");
    if (!header) return;
    function update() { header.classList.toggle("is-scrolled", window.scrollY > 60); }
    window.addEventListener("scroll", update, { passive: true });
    update();
  }

  function initSlider(slider) {
    var before = slider.querySelector("[data-slider-before]");
    var handle = slider.querySelector("[data-slider-handle]");
    var position = 50;
    function set(value) {
      position = Math.max(0, Math.min(100, value));
      before.style.clipPath = "inset(0 " + (100 - position) + "% 0 0)";
      handle.style.left = position + "%";
      handle.setAttribute("aria-valuenow", String(Math.round(position)));
    }
    function fromPointer(clientX) {
      var box = slider.getBoundingClientRect();
      set(((clientX - box.left) / box.width) * 100);
    }
    var dragging = false;
    slider.addEventListener("pointerdown", function (event) {
      dragging = true;
      slider.setPointerCapture(event.pointerId);
      fromPointer(event.clientX);
    });
    slider.addEventListener("pointermove", function (event) { if (dragging) fromPointer(event.clientX); });
    slider.addEventListener("pointerup", function () { dragging = false; });
    slider.addEventListener("pointercancel", function () { dragging = false; });
    handle.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { set(position - 5); event.preventDefault(); }
      if (event.key === "ArrowRight") { set(position + 5); event.preventDefault(); }
      if (event.key === "Home") { set(0); event.preventDefault(); }
      if (event.key === "End") { set(100); event.preventDefault(); }
    });
    return set;
  }

  function initLightbox() {
    var box = document.querySelector("[data-lightbox]");
    if (!box) return;
    var setPosition = initSlider(box.querySelector("[data-slider]"));
    var beforeImg = box.querySelector("[data-slider-before]");
    var afterImg = box.querySelector("[data-slider-after]");
    var location = box.querySelector("[data-lightbox-location]");
    var opener = null;
    function close() {
      box.hidden = true;
      if (opener) opener.focus();
    }
    document.addEventListener("click", function (event) {
      var card = event.target.closest && event.target.closest(".gallery-card");
      if (!card || !card.dataset.before) return;
      event.preventDefault();
      opener = card;
      beforeImg.src = card.dataset.before;
      afterImg.src = card.dataset.after;
      location.textContent = card.dataset.location || "";
      setPosition(50);
      box.hidden = false;
      box.querySelector("[data-slider-handle]").focus();
    });
    box.querySelector("[data-lightbox-close]").addEventListener("click", close);
    box.addEventListener("click", function (event) { if (event.target === box) close(); });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !box.hidden) close(); });
  }

  function initLoadMore() {
    var feed = document.querySelector("[data-gallery-feed]");
    var more = document.querySelector("[data-load-more]");
    var status = document.querySelector("[data-gallery-status]");
    if (!feed || !more) return;
    var loading = false;
    function load(event) {
      if (event) event.preventDefault();
      if (loading || !more.isConnected) return;
      loading = true;
      status.textContent = status.dataset.loadingText;
      fetch(more.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          page.querySelectorAll("[data-gallery-feed] .gallery-card").forEach(function (card) {
            feed.appendChild(document.importNode(card, true));
          });
          var next = page.querySelector("[data-load-more]");
          if (next) { more.href = next.getAttribute("href"); } else { more.parentNode.remove(); }
          status.textContent = "";
        })
        .catch(function () { status.textContent = status.dataset.errorText; })
        .then(function () { loading = false; });
    }
    more.addEventListener("click", load);
    if ("IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) load();
      }, { rootMargin: "400px" }).observe(more);
    }
  }

  function initConfirmButtons() {
    document.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var submitter = event.submitter;
      var question = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
      if (question && !window.confirm(question)) { event.preventDefault(); return; }
      var busy = submitter && submitter.dataset.busyText;
      if (busy) {
        window.setTimeout(function () { submitter.disabled = true; submitter.textContent = busy; }, 0);
      }
    });
  }

  initMenu();
  initHeader();
  initLightbox();
  initLoadMore();
  initConfirmButtons();
})();
