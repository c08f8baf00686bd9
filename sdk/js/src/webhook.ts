import { subtle, utf8 } from "./platform.js";

/** Header names of a webhook delivery. */
export const WebhookHeaders = {
  event: "Stax-Event-Name",
  eventId: "Stax-Event-Id",
  delivery: "Stax-Delivery-Id",
  signature: "Stax-Signature",
} as const;

export interface VerifyWebhookOptions {
  /** Accept timestamps at most this far from now (default 300, as Tender's own receivers). */
  toleranceSeconds?: number;
  /** The current time in milliseconds (tests). */
  now?: number;
}

/**
 * Checks a delivery's Stax-Signature header, `t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<body>")>`, against the raw body exactly as
 * received (a string, or its bytes; never re-serialised JSON): true when
 * a v1 signature matches (compared by WebCrypto, in constant time) and t
 * is within the tolerance of now. Needs crypto.subtle (Node 20+, browsers).
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  opts: VerifyWebhookOptions = {}
): Promise<boolean> {
  if (!signatureHeader || !secret) return false;
  let ts = "";
  const sigs: string[] = [];
  for (const part of signatureHeader.split(",")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k === "t") ts = v;
    else if (k === "v1") sigs.push(v);
  }
  if (!/^\d+$/.test(ts) || sigs.length === 0) return false;
  const now = opts.now ?? Date.now();
  const tolerance = (opts.toleranceSeconds ?? 300) * 1000;
  if (Math.abs(now - Number(ts) * 1000) > tolerance) return false;

  const bodyBytes = typeof body === "string" ? utf8(body) : body;
  const prefix = utf8(ts + ".");
  const data = new Uint8Array(prefix.length + bodyBytes.length);
  data.set(prefix, 0);
  data.set(bodyBytes, prefix.length);
  const s = subtle();
  const key = await s.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  for (const sig of sigs) {
    const mac = fromHex(sig);
    if (mac && (await s.verify("HMAC", key, mac, data))) return true;
  }
  return false;
}

function fromHex(h: string): Uint8Array | null {
  if (h.length !== 64 || !/^[0-9a-fA-F]+$/.test(h)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
