// The few globals the runtime uses, typed here rather than taken from the
// DOM or Node type libraries: the package runs wherever fetch exists
// (browsers, Node 18+, React Native, workers) and never touches window,
// document or a Node built-in. Everything else is feature-detected.

/** The part of the Fetch API's Response the client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The request options the client passes to fetch. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: unknown;
}

/** A fetch implementation: globalThis.fetch, or one you pass in. */
export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

interface SubtleCrypto {
  importKey(format: "raw", key: Uint8Array, alg: { name: string; hash: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(alg: string, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

interface Globals {
  fetch?: Fetch;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  crypto?: {
    randomUUID?: () => string;
    getRandomValues?: (a: Uint8Array) => Uint8Array;
    subtle?: SubtleCrypto;
  };
  TextEncoder?: new () => { encode(s: string): Uint8Array };
}

const g = globalThis as unknown as Globals;

/** The global fetch, bound (some platforms refuse an unbound call). */
export function globalFetch(): Fetch {
  const f = g.fetch;
  if (typeof f !== "function") {
    throw new Error("tender: no global fetch; pass one as the fetch option");
  }
  return (url, init) => f.call(globalThis, url, init);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (typeof g.setTimeout !== "function") {
      throw new Error("tender: no setTimeout to wait before a retry");
    }
    g.setTimeout(resolve, ms);
  });
}

/**
 * A random UUIDv4 for idempotency ids: crypto.randomUUID or
 * crypto.getRandomValues where present (browsers, Node, Hermes with a
 * polyfill), else Math.random with the time, unique enough for a key that
 * only has to differ between distinct payments.
 */
export function randomID(): string {
  const c = g.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") {
    c.getRandomValues(b);
  } else {
    const t = Date.now();
    for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) ^ (i < 6 ? (t / 2 ** (8 * i)) & 0xff : 0);
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** WebCrypto's subtle, or an error naming what is missing. */
export function subtle(): SubtleCrypto {
  const s = g.crypto?.subtle;
  if (!s) {
    throw new Error("tender: webhook verification needs WebCrypto (crypto.subtle: Node 20+, browsers, workers)");
  }
  return s;
}

/** UTF-8 bytes of s. */
export function utf8(s: string): Uint8Array {
  if (typeof g.TextEncoder === "function") return new g.TextEncoder().encode(s);
  const out: number[] = [];
  const enc = unescape(encodeURIComponent(s));
  for (let i = 0; i < enc.length; i++) out.push(enc.charCodeAt(i));
  return new Uint8Array(out);
}

declare function unescape(s: string): string;
