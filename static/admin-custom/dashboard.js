/* «Darbo eilė»: reloads the live block every 30 s from the session-authenticated admin endpoint (JSON with the
   server-rendered HTML fragment) and says so when the network fails. */
(function () {
  "use strict";
  var REFRESH_MS = 30000;

  function start() {
    var live = document.getElementById("vp-dashboard-live");
    if (!live || !window.fetch) { return; }
    var note = document.getElementById("vp-live-note");

    function refresh() {
      fetch(live.dataset.refreshUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          // The 12-hour session ended: the endpoint redirected to the sign-in page, which the reload shows.
          if (response.redirected) { window.location.reload(); return null; }
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (!data) { return; }
          live.innerHTML = data.html;
          if (note) { note.hidden = true; }
        })
        .catch(function () {
          if (note) { note.textContent = live.dataset.networkError; note.hidden = false; }
        });
    }

    window.setInterval(refresh, REFRESH_MS);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
