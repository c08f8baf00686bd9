/*
 * The card form of Tender's hosted pages (the invoice page and a payment
 * link's page; pages/hosted_parts.html): card through the hosted fields,
 * or bank account. It says what is wrong next to the field as the payer
 * types and leaves it (a card number that is too short or fails its check
 * digit, an impossible expiry, a short CVV, an amount above the balance),
 * formats the expiry MM/YY as typed and the amount in dollars and cents.
 * The server checks all of it again.
 *
 * The form's data attributes say what it pays: data-invoice (with
 * data-balance and data-partial) or data-link (with data-amount).
 */
(function () {
  "use strict";
  var form = document.getElementById("pay");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var invoiceId = form.getAttribute("data-invoice");
  var linkId = form.getAttribute("data-link");
  var balance = cents(form.getAttribute("data-balance") || form.getAttribute("data-amount") || "0");
  var button = $("submit");
  var error = $("error");
  var amount = $("amount");
  var nameInput = $("person_name") || $("payer_name");
  var staxJs = new StaxJs(form.getAttribute("data-token"), {
    number: {id: "card-number", placeholder: "1234 1234 1234 1234"},
    cvv: {id: "card-cvv", placeholder: "123"}
  });
  var cardReady = false;
  // What each hosted field last said, and whether the payer has left it.
  var fields = {number: {reason: "empty"}, cvv: {reason: "empty"}};
  var touched = {};

  // --- money: integer cents, never floats --------------------------------

  function cents(s) {
    var m = /^\s*\$?\s*(\d{0,9})(?:\.(\d{0,2}))?\s*$/.exec(String(s).replace(/,/g, ""));
    if (!m || (m[1] === "" && !m[2])) return NaN;
    return Number(m[1] || "0") * 100 + Number(((m[2] || "") + "00").slice(0, 2));
  }

  function plain(c) { return Math.floor(c / 100) + "." + ("0" + c % 100).slice(-2); }

  function dollars(c) {
    return "$" + String(Math.floor(c / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + ("0" + c % 100).slice(-2);
  }

  // --- inline messages ---------------------------------------------------

  function say(id, message) {
    var box = $(id + "-error");
    if (box && box.textContent !== message) box.textContent = message;
    var el = $(id);
    if (el && el.tagName === "INPUT") el.setAttribute("aria-invalid", String(message !== ""));
    if (el && el.classList.contains("field")) el.classList.toggle("invalid", message !== "");
    if (el && !el.getAttribute("aria-describedby")) el.setAttribute("aria-describedby", id + "-error");
    if (id === "card-number") staxJs.setFieldError("number", message);
    if (id === "card-cvv") staxJs.setFieldError("cvv", message);
    return message;
  }

  function numberMessage(st) {
    switch (st.reason) {
      case "empty": return "Enter the card number.";
      case "short": return "The card number is too short: check you typed every digit.";
      case "luhn": return "This card number is not valid: check the digits.";
    }
    return "";
  }

  function cvvMessage(st) {
    var amex = fields.number.card_type === "amex";
    if (st.reason === "empty") return "Enter the card's security code (CVV).";
    if (amex && st.length !== 4) return "The security code of an American Express card is the 4 digits on its front.";
    if (!amex && fields.number.card_type && st.length !== 3) return "The security code is the 3 digits on the back of the card.";
    if (st.reason === "short") return "The security code is 3 or 4 digits.";
    return "";
  }

  function showField(kind) {
    var st = fields[kind];
    var msg = kind === "number" ? numberMessage(st) : cvvMessage(st);
    // While typing only a finished wrong value is said; leaving the field
    // says anything missing.
    if (!touched[kind] && !(st.full && msg)) msg = "";
    return say(kind === "number" ? "card-number" : "card-cvv", msg);
  }

  function expMessage() {
    var v = $("exp").value;
    var m = /^(\d{2})\/(\d{2})$/.exec(v);
    if (v === "") return "Enter the card's expiry date.";
    if (!m) return "Enter the expiry as MM/YY, such as 04/29.";
    var month = Number(m[1]), year = 2000 + Number(m[2]);
    if (month < 1 || month > 12) return "The expiry month must be 01 to 12.";
    var now = new Date();
    var thisYear = now.getFullYear(), thisMonth = now.getMonth() + 1;
    if (year < thisYear || year === thisYear && month < thisMonth) return "This card has expired: check the date.";
    if (year > thisYear + 20) return "Check the expiry year.";
    return "";
  }

  function showExp(leaving) {
    var msg = expMessage();
    if (!leaving && !touched.exp && $("exp").value.length < 5) msg = "";
    return say("exp", msg);
  }

  function amountCents() { return amount ? cents(amount.value) : balance; }

  function amountMessage() {
    var c = amountCents();
    if (isNaN(c) || c <= 0) return "Enter an amount of at least $0.01.";
    if (c > balance) return "You can pay at most " + dollars(balance) + ", the balance due.";
    return "";
  }

  function payLabel() {
    var c = amountCents();
    button.textContent = !isNaN(c) && c > 0 ? "Pay " + dollars(Math.min(c, balance)) : "Pay";
  }

  // --- the form ----------------------------------------------------------

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "card";
  }

  function refresh() {
    var bank = method() === "bank";
    $("card").hidden = bank;
    $("bank").hidden = !bank;
    button.disabled = !bank && !cardReady;
  }

  var radios = form.querySelectorAll("input[name=method]");
  for (var i = 0; i < radios.length; i++) radios[i].addEventListener("change", refresh);

  $("exp").addEventListener("input", function (ev) {
    var d = $("exp").value.replace(/\D+/g, "").slice(0, 4);
    if (d.length === 1 && d > "1") d = "0" + d; // "4" is April
    var deleting = ev.inputType && ev.inputType.indexOf("delete") === 0;
    var v = d.length > 2 ? d.slice(0, 2) + "/" + d.slice(2) : d.length === 2 && !deleting ? d + "/" : d;
    if (v !== $("exp").value) $("exp").value = v;
    showExp(false);
  });
  $("exp").addEventListener("blur", function () { touched.exp = true; showExp(true); });

  if (amount) {
    amount.addEventListener("input", function () {
      // Digits and at most two decimals; never more than the balance.
      var v = amount.value.replace(/[^\d.]/g, "");
      var dot = v.indexOf(".");
      if (dot >= 0) v = v.slice(0, dot + 1) + v.slice(dot + 1).replace(/\./g, "").slice(0, 2);
      var c = cents(v);
      var capped = !isNaN(c) && c > balance;
      if (capped) v = plain(balance);
      if (v !== amount.value) amount.value = v;
      // The cap is said until the amount is below the balance again.
      if (capped) say("amount", "You can pay at most " + dollars(balance) + ", the balance due.");
      else if (isNaN(c) || c < balance) say("amount", "");
      payLabel();
    });
    amount.addEventListener("blur", function () {
      var c = amountCents();
      if (!isNaN(c) && c > 0) amount.value = plain(Math.min(c, balance));
      say("amount", amountMessage());
      payLabel();
    });
    payLabel();
  }

  staxJs.on("field", function (st) {
    fields[st.kind] = st;
    if (st.blurred) touched[st.kind] = true;
    showField(st.kind);
    if (st.kind === "number" && touched.cvv) showField("cvv"); // the card type decides the CVV's length
  });
  staxJs.on("card_form_complete", function () { cardReady = true; refresh(); });
  staxJs.on("card_form_uncomplete", function () { cardReady = false; refresh(); });
  staxJs.showCardForm().then(function () {
    document.documentElement.setAttribute("data-card-form", "ready");
    var frames = {"card-number": "card-number-error", "card-cvv": "card-cvv-error"};
    for (var box in frames) {
      var f = $(box).querySelector("iframe");
      if (f) f.setAttribute("aria-describedby", frames[box]);
    }
    refresh();
  }, function (e) { error.textContent = String(e && e.message || e); });

  function idempotencyId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return (linkId ? "link-" : "hosted-") + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The server's field errors go next to their fields; the rest above the
  // button.
  var FIELD = {card_number: "card-number", card_cvv: "card-cvv", card_exp: "exp", total: "amount", person_name: nameInput && nameInput.id,
    email: "email", bank_routing: "bank_routing", bank_account: "bank_account"};

  function showErrors(body) {
    if (!body) { error.textContent = "Something went wrong; please try again."; return; }
    if (body.error) { error.textContent = body.error; return; }
    var rest = [];
    for (var k in body) {
      if (!Array.isArray(body[k])) continue;
      var id = FIELD[k] || (k === "month" || k === "year" ? "exp" : "");
      if (id && $(id + "-error")) say(id, body[k].join(" "));
      else rest.push(body[k].join(" "));
    }
    error.textContent = rest.join(" ") || (Object.keys(body).length ? "Please correct the fields above." : "Something went wrong; please try again.");
  }

  // check says what is wrong before anything is sent; false when the
  // payer has something to fix (the first such field is focused).
  function check() {
    var bad = [];
    var need = function (id, msg) { if (say(id, msg)) bad.push(id); };
    need(nameInput.id, nameInput.value.trim() ? "" : "Enter your name.");
    if ($("email")) need("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test($("email").value.trim()) ? "" : "Enter your email address, such as you@example.com.");
    if (method() === "bank") {
      need("bank_routing", /^\d{9}$/.test($("bank_routing").value) ? "" : "The routing number is 9 digits.");
      need("bank_account", /^\d{4,17}$/.test($("bank_account").value) ? "" : "Enter the account number (4 to 17 digits).");
    } else {
      touched.number = touched.cvv = touched.exp = true;
      if (showField("number")) bad.push("card-number");
      need("exp", expMessage());
      if (showField("cvv")) bad.push("card-cvv");
    }
    if (amount) need("amount", amountMessage());
    if (bad.length) {
      var first = $(bad[0]);
      if (first.tagName === "INPUT") first.focus();
      error.textContent = "Please correct the " + (bad.length === 1 ? "field" : "fields") + " marked above.";
    }
    return bad.length === 0;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    error.textContent = "";
    if (!check()) return;
    var details = {person_name: nameInput.value.trim(), idempotency_id: idempotencyId()};
    if ($("email")) details.email = $("email").value.trim();
    if (amount) details.total = plain(amountCents());
    if (method() === "bank") {
      details.method = "bank";
      details.bank_account = $("bank_account").value;
      details.bank_routing = $("bank_routing").value;
      details.bank_type = $("bank_type").value;
      details.bank_holder_type = $("bank_holder_type").value;
    } else {
      details.card_exp = $("exp").value.replace(/\D+/g, "");
    }
    button.disabled = true;
    var pay = linkId ? staxJs.payLink(linkId, details) : staxJs.payInvoice(invoiceId, details);
    pay.then(function (res) {
      var paid = dollars(cents(String(res.total)));
      var due = cents(String(res.balance_due));
      if ($("status")) $("status").textContent = due > 0 ? (res.total_paid > 0 ? "Partially paid" : "Due") : "Paid";
      form.hidden = true;
      if (res.success) {
        $("success-text").textContent = "Your payment of " + paid + (res.last_four ? " (ending in " + res.last_four + ")" : "") +
          " was received." + (linkId ? " A receipt is on its way to your email." :
            due > 0 ? " Balance due: " + dollars(due) + "." : " The invoice is paid in full.");
        if ($("due") && !linkId) $("due").textContent = due > 0 ? "Balance due: " + dollars(due) : "Paid in full";
        $("success").hidden = false;
      } else if (res.pending) {
        $("success-text").textContent = "Your payment is being processed; you will receive a receipt.";
        $("success").hidden = false;
      } else {
        $("declined-text").textContent = res.message || "The payment was declined.";
        $("declined").hidden = false;
      }
    }, function (body) {
      showErrors(body);
      refresh();
    });
  });

  $("retry").addEventListener("click", function () {
    $("declined").hidden = true;
    form.hidden = false;
    refresh();
  });
})();
