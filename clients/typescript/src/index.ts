// The FacePing API from TypeScript: openapi-fetch over types generated from the Api's OpenAPI document
// (src/schema.d.ts, by scripts/generate.sh), and what a generated client does not do by itself: problems as one error
// class, retries that follow the Api's Retry-After (429, 503) with an Idempotency-Key per creating call, multipart
// images, and waiting for a job.
import { createHmac, timingSafeEqual } from "node:crypto";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths };
/** The Api's JSON shapes by name (e.g. `Schemas["JobView"]`). */
export type Schemas = components["schemas"];
export type Job = Schemas["JobView"];
export type FacePingClient = Client<paths>;

export interface FacePingOptions {
  /** The Api's address, e.g. `http://localhost:5080`. */
  baseUrl: string;
  /** A tenant key, or the admin key for `/admin`. */
  apiKey?: string;
  /** Retries of a 429 or 503 that came with a Retry-After (default 3; 0 turns retrying off). */
  maxRetries?: number;
  /** A longer Retry-After than this is not waited out (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Every answer of the Api that is not a success: its RFC 9457 problem, field errors and Retry-After. */
export class FacePingProblem extends Error {
  readonly status: number;
  readonly type?: string;
  readonly title: string;
  readonly detail?: string;
  /** Messages per request field (camelCase, as in the Api's JSON). */
  readonly errors: Record<string, string[]>;
  /** Seconds the Api asked to wait before trying again (429, 503), when it said so. */
  readonly retryAfterSeconds?: number;
  /** The whole problem body, extension members included (e.g. `quality`, `reasons`, `redis`). */
  readonly problem: Record<string, unknown>;

  constructor(response: Response, body: unknown) {
    const problem = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const text = (key: string) => (typeof problem[key] === "string" ? (problem[key] as string) : undefined);
    const title = text("title") ?? (response.statusText || `HTTP ${response.status}`);
    const detail = text("detail") ?? (typeof body === "string" && body.length > 0 ? body : undefined);
    super(detail ? `${response.status} ${title}: ${detail}` : `${response.status} ${title}`);
    this.name = "FacePingProblem";
    this.status = response.status;
    this.type = text("type");
    this.title = title;
    this.detail = detail;
    this.errors = (problem.errors as Record<string, string[]> | undefined) ?? {};
    this.retryAfterSeconds = retryAfterSeconds(response);
    this.problem = problem;
  }
}

/** POST operations that create something: they carry an Idempotency-Key, the same on each retry of one call. */
const creating = new Set<keyof paths>([
  "/admin/keys",
  "/admin/keys/{id}/webhook-secret",
  "/webhook-secret",
  "/groups/{groupName}",
  "/groups/{groupName}/vector",
  "/groups/{groupName}/vectors/upsert",
  "/groups/{groupName}/face",
  "/groups/{groupName}/face/base64",
  "/groups/{groupName}/process-ftp-folder",
  "/groups/{groupName}/process-drive-folder",
  "/groups/{groupName}/cluster",
]);

const idempotency: Middleware = {
  onRequest({ request, schemaPath }) {
    if (request.method === "POST" && creating.has(schemaPath as keyof paths)) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    return request;
  },
};

/** A typed client of every endpoint (`client.GET("/groups")`, `client.POST("/faces/compare", …)`). */
export function createFacePingClient(options: FacePingOptions): FacePingClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
    fetch: retrying(options.fetch ?? globalThis.fetch, options.maxRetries ?? 3, options.maxRetryAfterSeconds ?? 30),
    // POST /groups/{g}/face takes its metadata as metadata[key]=value.
    querySerializer: { object: { style: "deepObject", explode: true } },
  });
  client.use(idempotency);
  return client;
}

/**
 * A write the Api applied but could not yet confirm durable (`202`, problem type
 * `urn:faceping:problem:write-not-durable`): it happened and is readable, but a crash or failover now could still lose
 * it. `durability` names the promise not kept (`local`: the primary's disk, `replica`: a replica).
 */
export interface NotDurableWrite {
  durability?: string;
  detail?: string;
}

const notDurableType = "urn:faceping:problem:write-not-durable";

/**
 * The data of an answer, or a thrown {@link FacePingProblem}: `const groups = await call(client.GET("/groups"))`.
 * A write applied but not yet durable is a success: its answer (the problem's `result`) is returned and
 * `onWriteNotDurable` is told.
 */
export async function call<R extends { data?: unknown; error?: unknown; response: Response }>(
  pending: Promise<R>,
  onWriteNotDurable?: (write: NotDurableWrite) => void,
): Promise<Exclude<R["data"], undefined>> {
  const result = await pending;
  if (!result.response.ok || result.error !== undefined) throw new FacePingProblem(result.response, result.error);
  const data = result.data as Record<string, unknown> | undefined;
  if (result.response.headers.get("content-type")?.startsWith("application/problem+json") && data?.type === notDurableType) {
    onWriteNotDurable?.({ durability: data.durability as string | undefined, detail: data.detail as string | undefined });
    return data.result as Exclude<R["data"], undefined>;
  }
  return result.data as Exclude<R["data"], undefined>;
}

/** A body serializer for the multipart endpoints: `{ body: { image }, bodySerializer: multipart }`. */
export function multipart(body: unknown): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(body as Record<string, Blob | string>)) {
    if (value instanceof Blob) form.append(field, value, value instanceof File ? value.name : field);
    else form.append(field, String(value));
  }
  return form;
}

/** An image held in memory, as a file part (read one from disk with `fs.openAsBlob(path)`). */
export function image(bytes: Uint8Array | ArrayBuffer, type = "application/octet-stream"): Blob {
  return new Blob([bytes instanceof ArrayBuffer ? bytes : bytes.slice()], { type });
}

/** Looks at a job every `intervalMs` (1000) until it has completed or failed, and returns it. */
export async function waitForJob(
  client: FacePingClient,
  jobId: string,
  options: { intervalMs?: number; signal?: AbortSignal; onProgress?: (job: Job) => void } = {},
): Promise<Job> {
  for (;;) {
    const job = await call(client.GET("/jobs/{jobId}", { params: { path: { jobId } }, signal: options.signal }));
    options.onProgress?.(job);
    if (job.status === "completed" || job.status === "failed") return job;
    await sleep((options.intervalMs ?? 1000) / 1000, options.signal);
  }
}

/** Seconds of a Retry-After header (a number of seconds, or an HTTP date). */
export function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get("Retry-After");
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * A fetch that sends a call again after the Api's Retry-After when it answered 429 or 503 with one (it did nothing
 * then): each attempt sends a clone of the same request, so its body and Idempotency-Key are those of the first.
 */
function retrying(base: typeof fetch, maxRetries: number, maxWaitSeconds: number): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= maxRetries;
      const response = await base(last ? request : request.clone());
      const wait = retryAfterSeconds(response);
      if (last || (response.status !== 429 && response.status !== 503) || wait === undefined || wait > maxWaitSeconds) {
        return response;
      }
      await response.body?.cancel();
      await sleep(wait, request.signal);
    }
  };
}

function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, seconds * 1000);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** The body of a job's callback (what `POST callbackUrl` carries when a job ends). */
export interface JobCallback {
  totalFiles: number;
  successCount: number;
  failed: Schemas["JobFailure"][];
  jobId: string;
  groupName: string;
  status: string;
  error?: string | null;
}

/**
 * Verifies a job callback the Standard Webhooks way and returns its body: `webhook-signature` must hold `v1,` + base64
 * HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{raw body}` keyed with the tenant's secret (`whsec_` + base64),
 * compared in constant time, and `webhook-timestamp` must be within `toleranceSeconds` (300) of now. Throws otherwise.
 * Pass the raw body bytes as received, before any JSON parsing.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined> | Headers,
  body: Uint8Array | string,
  toleranceSeconds = 300,
  now = Date.now(),
): JobCallback {
  const header = (name: string) => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(" ") : value ?? undefined;
  };
  const id = header("webhook-id");
  const timestamp = header("webhook-timestamp");
  const signatures = header("webhook-signature");
  if (!id || !timestamp || !signatures) throw new Error("webhook-id, webhook-timestamp and webhook-signature are required");
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw new Error(`webhook-timestamp is more than ${toleranceSeconds} s from now: refused as a possible replay`);
  }
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  const raw = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(raw).digest();
  for (const candidate of signatures.split(" ")) {
    if (!candidate.startsWith("v1,")) continue;
    const given = Buffer.from(candidate.slice(3), "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return JSON.parse(raw.toString("utf8")) as JobCallback;
    }
  }
  throw new Error("no signature matches the body with this secret");
}
