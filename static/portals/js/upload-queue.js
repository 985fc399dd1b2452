/* Offline photo queue of the contractor and expert project pages.
   Lawn sites often have no signal: each chosen photo is resized in the browser (long side 2560 px), kept in
   IndexedDB with its own idempotency key and sent when the connection allows. The server answers a repeated key with
   the photo it already has, so a retry never makes a second photo. Without this file the form posts as usual. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-queue]");
  if (!form || !window.indexedDB || !window.fetch || !window.FormData) return;

  var LONG_SIDE = 2560;
  var DB_NAME = "vejapro-upload-queue";
  var STORE = "photos";
  var statusBox = document.querySelector("[data-upload-queue-status]");
  var countLine = document.querySelector("[data-upload-queue-count]");
  var list = document.querySelector("[data-upload-queue-list]");
  var fileInput = form.querySelector('input[type="file"]');
  var results = {};
  var sending = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function allQueued() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return rows.filter(function (row) { return row.project === form.dataset.project; });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function resize(file) {
    // A data: URL, not a blob: URL: the page policy allows images from 'self' and data: only.
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onerror = function () { resolve(file); };
      reader.onload = function () {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, LONG_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
          if (scale === 1 && file.type === "image/jpeg") { resolve(file); return; }
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.naturalWidth * scale);
          canvas.height = Math.round(img.naturalHeight * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
        };
        img.onerror = function () { resolve(file); };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  function render() {
    return allQueued().then(function (rows) {
      var pending = rows.length;
      countLine.textContent = form.dataset.pendingText.replace("{count}", String(pending));
      list.textContent = "";
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.textContent = row.name + ": " + (results[row.key] || form.dataset.pendingText.replace("{count}", "…"));
        list.appendChild(item);
      });
      Object.keys(results).forEach(function (key) {
        if (rows.some(function (row) { return row.key === key; })) return;
        var item = document.createElement("li");
        item.textContent = results[key];
        item.dataset.uploadResult = "sent";
        list.appendChild(item);
      });
      statusBox.hidden = pending === 0 && Object.keys(results).length === 0;
      statusBox.dataset.pending = String(pending);
    });
  }

  function sendOne(row) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector('input[name="csrfmiddlewaretoken"]').value);
    body.append("category", row.category);
    body.append("client_upload_key", row.key);
    body.append("files", row.blob, row.name);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Upload-Queue": "1" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok && data.ok) {
          results[row.key] = row.name + ": " + form.dataset.sentText;
          return withStore("readwrite", function (store) { return store.delete(row.key); });
        }
        // A refusal (bad file, no access) will not get better by retrying: drop it and say so.
        results[row.key] = row.name + ": " + (data.detail || form.dataset.failedText);
        return withStore("readwrite", function (store) { return store.delete(row.key); });
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return render();
    sending = true;
    return allQueued()
      .then(function (rows) {
        return rows.reduce(function (chain, row) {
          return chain.then(function () { return sendOne(row).then(render); });
        }, Promise.resolve());
      })
      .catch(function () { /* network dropped mid-way: the rest stays queued */ })
      .then(function () { sending = false; return render(); });
  }

  form.addEventListener("submit", function (event) {
    if (!fileInput.files.length) return;
    event.preventDefault();
    var categoryField = form.querySelector('[name="category"]');
    var category = categoryField.value;
    var files = Array.prototype.slice.call(fileInput.files);
    files.reduce(function (chain, file) {
      return chain.then(function () {
        return resize(file).then(function (blob) {
          var row = { key: newKey(), project: form.dataset.project, category: category, name: file.name, blob: blob };
          return withStore("readwrite", function (store) { return store.put(row); });
        });
      });
    }, Promise.resolve()).then(function () {
      form.reset();
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = false; }
      return render();
    }).then(flush);
  });

  window.addEventListener("online", flush);
  // Some phones report "online" on a dead connection: try again now and then while photos wait.
  window.setInterval(function () { if (!statusBox.hidden && statusBox.dataset.pending !== "0") flush(); }, 15000);
  flush();
})();
