/*
 * Tender's Stax.js-compatible library, served by Tender at /js/stax.js.
 *
 *   var staxJs = new StaxJs("tnd_wp_...", {
 *     number: {id: "card-number", placeholder: "0000 0000 0000 0000", style: "font-size: 16px"},
 *     cvv: {id: "card-cvv", placeholder: "CVV", style: "font-size: 16px"}
 *   });
 *   staxJs.on("card_form_complete", function (state) { ... });
 *   staxJs.showCardForm().then(function (handler) { ... });
 *   staxJs.tokenize({firstname: "Jane", lastname: "Doe", month: "12", year: "2030"}).then(...);
 *   staxJs.pay({total: 10.5, firstname: ..., month: ..., year: ...}).then(function (invoice) { ... });
 *
 * The card number and CVV are typed into iframes served by Tender (the
 * "hosted fields"); this page never sees them. The library talks to the
 * fields with postMessage, only to and from Tender's origin, and the number
 * field sends the card straight to Tender. Bank payments (method "bank")
 * have no hosted fields: the library sends them to Tender itself (CORS).
 * FattJs is the same class under its old name.
 */
(function (global) {
  "use strict";

  var script = document.currentScript;
  var TENDER = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var KINDS = ["number", "cvv"];
  var TIMEOUT = 60000;

  function uid() {
    var a = new Uint8Array(12);
    global.crypto.getRandomValues(a);
    var s = "";
    for (var i = 0; i < a.length; i++) s += ("0" + a[i].toString(16)).slice(-2);
    return s;
  }

  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return {error: text || "Empty response"}; }
  }

  function StaxJs(token, options) {
    if (!(this instanceof StaxJs)) return new StaxJs(token, options);
    if (!token) throw new Error("StaxJs: the web payments token is required");
    this.token = String(token);
    this.options = options || {};
    this.sid = uid();
    this.frames = {};
    this.valid = {number: false, cvv: false};
    this.complete = false;
    this.handlers = {};
    this.pending = {};
    this.ready = null;
    this.readyFrames = {};
    var self = this;
    global.addEventListener("message", function (ev) { self._receive(ev); });
  }

  /* on(name, fn): "card_form_complete", "card_form_uncomplete", "ready",
     and "field": {kind: "number" or "cvv", valid, empty, reason ("",
     "empty", "short" or "luhn"), full, length (of the CVV), card_type,
     blurred (the payer left the field)} on every change and blur. */
  StaxJs.prototype.on = function (name, fn) {
    (this.handlers[name] = this.handlers[name] || []).push(fn);
    return this;
  };

  StaxJs.prototype._emit = function (name, arg) {
    var list = this.handlers[name] || [];
    for (var i = 0; i < list.length; i++) {
      try { list[i](arg); } catch (e) { setTimeout(function () { throw e; }); }
    }
  };

  /* showCardForm() puts the hosted fields into the elements named by
     options.number.id and options.cvv.id; it resolves when both are ready
     with a handler whose setTestPan/setTestCvv fill them (sandbox only). */
  StaxJs.prototype.showCardForm = function () {
    var self = this;
    if (this.ready) return this.ready;
    this.ready = new Promise(function (resolve, reject) {
      for (var i = 0; i < KINDS.length; i++) {
        var kind = KINDS[i];
        var opt = self.options[kind];
        var box = opt && opt.id ? document.getElementById(opt.id) : null;
        if (!box) {
          reject(new Error("StaxJs: options." + kind + ".id must name an element of this page"));
          return;
        }
        var f = document.createElement("iframe");
        f.src = TENDER + "/hosted/field/" + kind + "?token=" + encodeURIComponent(self.token) +
          "&sid=" + self.sid + "&origin=" + encodeURIComponent(location.origin);
        f.title = kind === "number" ? "Card number" : "Card security code";
        f.name = "tender-" + kind + "-" + self.sid;
        f.setAttribute("scrolling", "no");
        f.style.border = "0";
        f.style.width = "100%";
        f.style.height = "100%";
        f.style.display = "block";
        while (box.firstChild) box.removeChild(box.firstChild);
        box.appendChild(f);
        self.frames[kind] = f;
      }
      var timer = setTimeout(function () { reject(new Error("StaxJs: the card form did not load")); }, TIMEOUT);
      self._whenReady = function () {
        clearTimeout(timer);
        resolve({
          setTestPan: function (v) { self._post("number", {type: "test", value: String(v)}); },
          setTestCvv: function (v) { self._post("cvv", {type: "test", value: String(v)}); }
        });
        self._emit("ready");
      };
    });
    return this.ready;
  };

  StaxJs.prototype._post = function (kind, msg) {
    var f = this.frames[kind];
    if (!f || !f.contentWindow) return;
    msg.tender = "cmd";
    msg.sid = this.sid;
    f.contentWindow.postMessage(msg, TENDER);
  };

  /* Only Tender's own fields, in this instance's iframes, are listened to. */
  StaxJs.prototype._receive = function (ev) {
    if (ev.origin !== TENDER) return;
    var d = ev.data;
    if (!d || d.tender !== "field" || d.sid !== this.sid) return;
    var f = this.frames[d.kind];
    if (!f || ev.source !== f.contentWindow) return;
    switch (d.type) {
      case "ready":
        var opt = this.options[d.kind] || {};
        this._post(d.kind, {type: "config", placeholder: opt.placeholder || "", style: opt.style || ""});
        this.readyFrames[d.kind] = true;
        if (this.readyFrames.number && this.readyFrames.cvv && this._whenReady) {
          var ready = this._whenReady;
          this._whenReady = null;
          ready();
        }
        break;
      case "blur":
        this._emit("field", fieldState(d, true));
        break;
      case "state":
        this._emit("field", fieldState(d, false));
        this.valid[d.kind] = !!d.valid;
        if (d.kind === "number") this.cardType = d.cardType || "";
        var complete = this.valid.number && this.valid.cvv;
        if (complete !== this.complete) {
          this.complete = complete;
          this._emit(complete ? "card_form_complete" : "card_form_uncomplete",
            {number: this.valid.number, cvv: this.valid.cvv, card_type: this.cardType || ""});
        }
        break;
      case "result":
        var p = this.pending[d.rid];
        if (!p) return;
        delete this.pending[d.rid];
        clearTimeout(p.timer);
        settle(p, d.status, d.body);
        break;
    }
  };

  function fieldState(d, blurred) {
    return {kind: d.kind, valid: !!d.valid, empty: !!d.empty, reason: String(d.reason || ""), full: !!d.full,
      length: Number(d.length) || 0, card_type: String(d.cardType || ""), blurred: blurred};
  }

  /* setFieldError(kind, message) tells a hosted field the page's message
     about it ("" when none), which the field gives screen readers. */
  StaxJs.prototype.setFieldError = function (kind, message) {
    this._post(kind, {type: "error", message: String(message || "")});
  };

  /* A payment's answer resolves with its object even when declined (the
     invoice ATTEMPTED, or success false); anything else rejects with the
     error body (422: field → messages; 429: {error}). */
  function settle(p, status, body) {
    var answered = status >= 200 && status < 300 ||
      (p.op !== "tokenize" && status === 400 && body && (body.status !== undefined || body.success === false));
    if (answered) p.resolve(body);
    else p.reject(body && typeof body === "object" ? body : {error: "Network error"});
  }

  StaxJs.prototype._submit = function (op, details, invoiceId) {
    var self = this;
    details = details || {};
    if (String(details.method || "").toLowerCase() === "bank") return this._direct(op, details, invoiceId);
    if (!this.ready) return Promise.reject(new Error("StaxJs: call showCardForm() first"));
    return this.ready.then(function () {
      return new Promise(function (resolve, reject) {
        var rid = uid();
        var p = {op: op, resolve: resolve, reject: reject};
        p.timer = setTimeout(function () {
          delete self.pending[rid];
          reject({error: "The payment request timed out."});
        }, TIMEOUT);
        self.pending[rid] = p;
        self._post("number", {type: "submit", rid: rid, op: op, invoiceId: invoiceId || "", details: details});
      });
    });
  };

  StaxJs.prototype._direct = function (op, details, invoiceId) {
    var path = op === "invoice" ? "/pay/invoice/" + encodeURIComponent(invoiceId)
      : op === "link" ? "/pay/link/" + encodeURIComponent(invoiceId)
      : "/webpayment/" + encodeURIComponent(this.token) + "/" + op;
    return fetch(TENDER + path, {
      method: "POST", mode: "cors", credentials: "omit",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(details)
    }).then(function (r) {
      return r.text().then(function (t) { return {status: r.status, body: parse(t)}; });
    }, function () {
      return {status: 0, body: {error: "Network error"}};
    }).then(function (res) {
      return new Promise(function (resolve, reject) {
        settle({op: op, resolve: resolve, reject: reject}, res.status, res.body);
      });
    });
  };

  /* tokenize(extraDetails) → the payment method. */
  StaxJs.prototype.tokenize = function (details) { return this._submit("tokenize", details); };

  /* pay(extraDetails) → the invoice, PAID or ATTEMPTED. extraDetails.total
     is required; idempotency_id makes retries safe. */
  StaxJs.prototype.pay = function (details) { return this._submit("pay", details); };

  /* payInvoice(invoiceId, details) pays an existing invoice (Tender's hosted
     invoice page uses it) → {success, message, status, balance_due, ...}. */
  StaxJs.prototype.payInvoice = function (invoiceId, details) { return this._submit("invoice", details, invoiceId); };

  /* payLink(linkId, details) pays a payment link (Tender's payment link
     page uses it; details hold person_name and email) → as payInvoice. */
  StaxJs.prototype.payLink = function (linkId, details) { return this._submit("link", details, linkId); };

  global.StaxJs = StaxJs;
  global.FattJs = StaxJs;
})(window);
