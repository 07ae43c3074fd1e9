// Polaris interactive pages: the live fee table and the wallet callback.
// Replace with ASSETS_DIR/static/polaris/polaris.js.
(function () {
  "use strict";

  function feeTable() {
    var table = document.getElementById("polaris-fees");
    var input = document.getElementById("field-amount");
    if (!table || !input) return;
    var url = table.getAttribute("data-fee-url");
    var timer = null;
    function set(name, value) {
      var cell = table.querySelector("[data-fee='" + name + "']");
      if (cell) cell.textContent = value;
    }
    function update() {
      var amount = input.value.trim();
      if (!amount) { table.hidden = true; return; }
      fetch(url + "&amount=" + encodeURIComponent(amount), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fees) {
          if (!fees) { table.hidden = true; return; }
          set("amount_in", fees.amount_in);
          set("amount_fee", fees.amount_fee);
          set("amount_out", fees.amount_out);
          table.hidden = false;
        })
        .catch(function () { table.hidden = true; });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
    update();
  }

  function walletCallback() {
    var el = document.getElementById("polaris-callback");
    if (!el) return;
    var callback = el.getAttribute("data-callback");
    var transaction = JSON.parse(el.getAttribute("data-transaction"));
    if (callback !== "postMessage") return;
    var target = window.opener || (window.parent !== window ? window.parent : null);
    if (target) target.postMessage({ transaction: transaction }, "*");
  }

  document.addEventListener("DOMContentLoaded", function () {
    feeTable();
    walletCallback();
  });
})();
