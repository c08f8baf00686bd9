/*
 * One hosted field (card number or CVV), inside an iframe served by Tender.
 * It takes commands only from the page that embeds it (its origin checked
 * against the browser's own record of it) and tells that page only whether
 * the field is valid. On submit the number field asks the CVV field of the
 * same form (another Tender frame, same origin) for its value and sends the
 * card to Tender itself; the embedding page receives the answer (a payment
 * method or an invoice: last four digits only).
 */
(function () {
  "use strict";
  var root = document.documentElement;
  var kind = root.getAttribute("data-kind");
  var token = root.getAttribute("data-token");
  var sandbox = root.getAttribute("data-sandbox") === "true";
  var params = new URLSearchParams(location.search);
  var sid = params.get("sid") || "";
  var declared = params.get("origin") || "";
  var parentOrigin = declared;
  if (location.ancestorOrigins && location.ancestorOrigins.length) {
    // The browser's word wins; a page lying about its origin gets nothing.
    parentOrigin = declared && declared !== location.ancestorOrigins[0] ? "" : location.ancestorOrigins[0];
  }
  var input = document.getElementById("field");
  var embedded = window.parent !== window && parentOrigin !== "" && /^[0-9a-f]{24}$/.test(sid);
  var cvvWaits = {};

  function digits(s) { return String(s).replace(/\D+/g, ""); }

  function luhn(n) {
    var sum = 0, alt = false;
    for (var i = n.length - 1; i >= 0; i--) {
      var d = n.charCodeAt(i) - 48;
      if (alt) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
      alt = !alt;
    }
    return sum % 10 === 0;
  }

  function cardType(n) {
    if (/^4/.test(n)) return "visa";
    if (/^(5[1-5]|2[2-7])/.test(n)) return "mastercard";
    if (/^3[47]/.test(n)) return "amex";
    if (/^(6011|65|64[4-9])/.test(n)) return "discover";
    if (/^(30[0-5]|36|38)/.test(n)) return "diners";
    if (/^35/.test(n)) return "jcb";
    return "";
  }

  // reason says what is wrong with the field ("" when nothing): "empty",
  // "short" or "luhn" (a number of the right length whose check digit is
  // wrong). full: as many digits as the card type has (16, Amex 15), so a
  // wrong number can be said while the payer is still in the field.
  function check() {
    var v = digits(input.value);
    var st = {reason: "", full: false, length: 0};
    if (kind === "cvv") {
      st.length = v.length; // the embedding page checks 3 or 4 against the card type
      st.reason = v.length === 0 ? "empty" : v.length < 3 ? "short" : "";
      st.full = v.length >= 3;
      return st;
    }
    st.full = v.length >= (cardType(v) === "amex" ? 15 : 16);
    st.reason = v.length === 0 ? "empty" : v.length < 13 ? "short" : !luhn(v) ? "luhn" : "";
    return st;
  }

  function valid() { return check().reason === ""; }

  function send(msg) {
    if (!embedded) return;
    msg.tender = "field";
    msg.sid = sid;
    msg.kind = kind;
    window.parent.postMessage(msg, parentOrigin);
  }

  var last = null;
  function update() {
    var v = digits(input.value);
    if (kind === "number") {
      // Groups of four (Amex 4-6-5) for reading; only digits are sent.
      var groups = cardType(v) === "amex" ? [4, 6, 5] : [4, 4, 4, 4, 3];
      var out = [], at = 0;
      for (var i = 0; i < groups.length && at < v.length; i++) { out.push(v.slice(at, at + groups[i])); at += groups[i]; }
      var formatted = out.join(" ");
      if (formatted !== input.value) input.value = formatted;
    } else if (v !== input.value) {
      input.value = v;
    }
    var st = check();
    var ok = st.reason === "";
    input.classList.toggle("invalid", !ok && st.full);
    input.setAttribute("aria-invalid", String(!ok && st.full));
    var state = [ok, st.reason, st.full, st.length, kind === "number" ? cardType(v) : ""].join(":");
    if (state !== last) {
      last = state;
      send(stateMessage("state", st));
    }
  }

  function stateMessage(type, st) {
    var v = digits(input.value);
    return {type: type, valid: st.reason === "", empty: v.length === 0, reason: st.reason, full: st.full,
      length: kind === "cvv" ? st.length : 0, cardType: kind === "number" ? cardType(v) : ""};
  }
  input.addEventListener("input", update);
  // Leaving the field is when the embedding page says what is wrong.
  input.addEventListener("blur", function () {
    var st = check();
    if (st.reason !== "") input.setAttribute("aria-invalid", "true");
    send(stateMessage("blur", st));
  });

  function askCvv() {
    return new Promise(function (resolve, reject) {
      var rid = Math.random().toString(36).slice(2);
      cvvWaits[rid] = resolve;
      var frames = window.parent.frames;
      for (var i = 0; i < frames.length; i++) {
        try { frames[i].postMessage({tender: "sibling", sid: sid, type: "cvv?", rid: rid}, location.origin); } catch (e) { /* another origin */ }
      }
      setTimeout(function () {
        if (cvvWaits[rid]) { delete cvvWaits[rid]; reject(new Error("no cvv field")); }
      }, 3000);
    });
  }

  var PATHS = {
    tokenize: function () { return "/webpayment/" + encodeURIComponent(token) + "/tokenize"; },
    pay: function () { return "/webpayment/" + encodeURIComponent(token) + "/pay"; },
    invoice: function (id) { return /^[0-9a-fA-F-]{36}$/.test(id) ? "/pay/invoice/" + id : ""; },
    link: function (id) { return /^[0-9a-fA-F-]{36}$/.test(id) ? "/pay/link/" + id : ""; }
  };

  function submit(d) {
    var path = PATHS[d.op] ? PATHS[d.op](d.invoiceId) : "";
    var reply = function (status, body) { send({type: "result", rid: d.rid, status: status, body: body}); };
    if (!path) { reply(422, {op: ["Unknown operation."]}); return; }
    askCvv().then(function (cvv) {
      var body = {};
      var details = d.details && typeof d.details === "object" ? d.details : {};
      for (var k in details) if (Object.prototype.hasOwnProperty.call(details, k)) body[k] = details[k];
      body.method = "card";
      body.card_number = digits(input.value);
      body.card_cvv = cvv;
      return fetch(path, {
        method: "POST", credentials: "omit",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "Tender-Parent-Origin": parentOrigin},
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.text().then(function (t) {
          var parsed;
          try { parsed = JSON.parse(t); } catch (e) { parsed = {error: "Unexpected answer (" + r.status + ")."}; }
          reply(r.status, parsed);
        });
      });
    }).catch(function () {
      reply(0, {error: "Network error"});
    });
  }

  window.addEventListener("message", function (ev) {
    var d = ev.data;
    if (!d || d.sid !== sid) return;
    if (d.tender === "sibling" && ev.origin === location.origin) {
      // Another field of the same form (Tender's origin, same sid).
      if (d.type === "cvv?" && kind === "cvv" && ev.source) {
        ev.source.postMessage({tender: "sibling", sid: sid, type: "cvv", rid: d.rid, value: digits(input.value)}, location.origin);
      } else if (d.type === "cvv" && kind === "number" && cvvWaits[d.rid]) {
        var resolve = cvvWaits[d.rid];
        delete cvvWaits[d.rid];
        resolve(d.value);
      }
      return;
    }
    if (d.tender !== "cmd" || !embedded || ev.source !== window.parent || ev.origin !== parentOrigin) return;
    switch (d.type) {
      case "config":
        if (typeof d.placeholder === "string") input.placeholder = d.placeholder;
        if (typeof d.style === "string" && d.style) input.style.cssText = d.style;
        break;
      case "test":
        if (sandbox && typeof d.value === "string") { input.value = d.value; update(); }
        break;
      case "submit":
        if (kind === "number") submit(d);
        break;
      case "focus":
        input.focus();
        break;
      case "error":
        // The embedding page's message about this field, for screen readers.
        if (typeof d.message === "string") {
          input.setAttribute("aria-invalid", String(d.message !== ""));
          if (d.message) input.setAttribute("aria-description", d.message.slice(0, 200));
          else input.removeAttribute("aria-description");
        }
        break;
    }
  });

  send({type: "ready"});
})();
