/* «Darbo eilė»: reloads the live block every 30 s from the session-authenticated admin endpoint (JSON with the
   server-rendered HTML fragment) and shows «N naujos skambučių užklausos» when new call requests arrive. */
(function () {
  "use strict";
  var REFRESH_MS = 30000;

  function start() {
    var live = document.getElementById("vp-dashboard-live");
    if (!live || !window.fetch) { return; }
    var note = document.getElementById("vp-new-calls");
    var known = parseInt(live.dataset.knownCalls || "0", 10);

    function refresh() {
      var url = live.dataset.refreshUrl + "?known_calls=" + encodeURIComponent(known);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          // The 12-hour session ended: the endpoint redirected to the sign-in page, which the reload shows.
          if (response.redirected) { window.location.reload(); return null; }
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (!data) { return; }
          live.innerHTML = data.html;
          if (note && data.note) {
            note.textContent = data.note;
            note.hidden = false;
            note.dataset.kind = "calls";
          } else if (note && note.dataset.kind === "error") {
            note.hidden = true;
          }
          known = data.new_calls;
        })
        .catch(function () {
          if (note) { note.textContent = live.dataset.networkError; note.hidden = false; note.dataset.kind = "error"; }
        });
    }

    window.setInterval(refresh, REFRESH_MS);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
