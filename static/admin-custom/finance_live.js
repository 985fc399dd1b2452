/* «Finansai»: the live card «Realaus laiko metrika» reads the session-authenticated metrics stream
   (/admin/finansai/metrika/, finance.md §8). EventSource reconnects by itself after the server's time limit; when
   the stream cannot be opened at all (no EventSource, 429 over the cap, flag off) the page reloads every minute. */
(function () {
  "use strict";
  var FALLBACK_RELOAD_MS = 60000;

  function money(value) {
    return new Intl.NumberFormat("lt-LT", { style: "currency", currency: "EUR" }).format(value);
  }

  function decimal(value, digits) {
    return new Intl.NumberFormat("lt-LT", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  }

  function start() {
    var card = document.getElementById("vp-finance-live");
    if (!card) { return; }
    var status = card.querySelector("[data-live-status]");
    function show(name, text) {
      var cell = card.querySelector('[data-metric="' + name + '"]');
      if (cell) { cell.textContent = text; }
    }
    function fallback() {
      status.textContent = card.dataset.textDisconnected;
      window.setTimeout(function () { window.location.reload(); }, FALLBACK_RELOAD_MS);
    }
    if (!window.EventSource) { fallback(); return; }

    var source = new EventSource(card.dataset.streamUrl, { withCredentials: true });
    status.textContent = card.dataset.textConnecting;
    source.onopen = function () { status.textContent = card.dataset.textConnected; };
    source.onmessage = function (event) {
      var data = JSON.parse(event.data);
      show("daily_volume", money(data.daily_volume));
      show("manual_stripe", data.manual_count + " / " + data.stripe_count);
      show("reject_rate", decimal(data.reject_rate * 100, 1) + " %");
      show("avg_attempts", decimal(data.avg_attempts, 2));
      show("avg_confirm_time_minutes", decimal(data.avg_confirm_time_minutes, 1) + " min.");
      show("total_confirmations", String(data.total_confirmations));
      var time = new Date(data.timestamp).toLocaleTimeString("lt-LT", { hour12: false });
      status.textContent = card.dataset.textUpdated + " " + time;
      card.dataset.updatedAt = data.timestamp;
    };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) { fallback(); } else { status.textContent = card.dataset.textDisconnected; }
    };
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
