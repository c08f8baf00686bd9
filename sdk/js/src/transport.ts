import { TenderError } from "./error.js";
import { type Fetch, type FetchResponse, globalFetch, sleep } from "./platform.js";

/** Options shared by the API client and the web-payments client. */
export interface TransportOptions {
  /** Tender's base URL, e.g. "https://tender.example.com" (no trailing path needed). */
  baseUrl: string;
  /** A fetch to use instead of globalThis.fetch (tests, proxies, React Native polyfills). */
  fetch?: Fetch;
  /**
   * Retries after a 429 or 503 (and, for requests safe to repeat, a
   * network error). Default 2: at most three attempts.
   */
  maxRetries?: number;
  /**
   * The longest wait before a retry. A Retry-After asking for more is not
   * waited for: the TenderError is thrown with retryAfterMs set. Default 10 s.
   */
  maxRetryDelayMs?: number;
  /** First backoff when the answer has no Retry-After (doubling, with jitter). Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface Call {
  method: string;
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send again after a 503 or a lost answer (GET, PUT, DELETE, or carrying an idempotency id). */
  repeatable: boolean;
  /** 2xx statuses are answers; so is a 400 when acceptDeclined (pay() resolves with the ATTEMPTED invoice). */
  acceptDeclined?: boolean;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: FetchResponse["headers"];
}

export class Transport {
  readonly baseUrl: string;
  private readonly fetch: Fetch;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly headers: Record<string, string>;

  constructor(o: TransportOptions) {
    if (!o || typeof o.baseUrl !== "string" || !o.baseUrl) throw new Error("tender: baseUrl is required");
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    this.fetch = o.fetch ?? globalFetch();
    this.maxRetries = o.maxRetries ?? 2;
    this.maxRetryDelayMs = o.maxRetryDelayMs ?? 10_000;
    this.retryBaseDelayMs = o.retryBaseDelayMs ?? 500;
    this.headers = o.headers ?? {};
  }

  url(path: string, query?: Record<string, unknown>): string {
    let u = this.baseUrl + (path.startsWith("/") ? path : "/" + path);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) {
        for (const x of v) parts.push(`${encodeURIComponent(k)}[]=${encodeURIComponent(String(x))}`);
      } else {
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      }
    }
    if (parts.length) u += (u.includes("?") ? "&" : "?") + parts.join("&");
    return u;
  }

  async send<T>(c: Call): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: "application/json", ...this.headers, ...c.headers };
    let body: string | undefined;
    if (c.body !== undefined) {
      body = JSON.stringify(c.body);
      headers["Content-Type"] = "application/json";
    }
    const url = this.url(c.path, c.query);
    for (let attempt = 0; ; attempt++) {
      let res: FetchResponse;
      try {
        res = await this.fetch(url, { method: c.method, headers, body });
      } catch (err) {
        // No answer: the request may or may not have been applied.
        if (c.repeatable && attempt < this.maxRetries) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new TenderError(0, null, { message: `tender: ${c.method} ${c.path}: ${(err as Error)?.message ?? err}` });
      }
      const text = await res.text();
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      const ok = (res.status >= 200 && res.status < 300) || (c.acceptDeclined && res.status === 400);
      if (ok) return { status: res.status, body: parsed as T, headers: res.headers };

      const retryAfterMs = parseRetryAfter(res.headers.get("Retry-After"));
      const err = new TenderError(res.status, parsed, { requestId: res.headers.get("X-Request-Id"), retryAfterMs });
      // 429: throttled before anything ran. 503: the server could not
      // reach its database; safe to repeat with the same idempotency id.
      const retryable = res.status === 429 || (res.status === 503 && c.repeatable);
      if (!retryable || attempt >= this.maxRetries) throw err;
      const wait = retryAfterMs ?? this.backoff(attempt);
      if (wait > this.maxRetryDelayMs) throw err;
      await sleep(wait);
    }
  }

  private backoff(attempt: number): number {
    const d = Math.min(this.retryBaseDelayMs * 2 ** attempt, this.maxRetryDelayMs);
    return Math.round(d / 2 + (Math.random() * d) / 2);
  }
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(v: string | null, now: number = Date.now()): number | null {
  if (v === null || v.trim() === "") return null;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now);
}
