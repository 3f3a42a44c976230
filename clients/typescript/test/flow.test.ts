// The event-photo flow and the wrapper's promises against the real Api, from Node. Run by
// FacePing.Tests/Clients/TypeScriptClientTests (which starts the Api, an FTP server and a worker, and passes them in
// FACEPING_* variables) or by hand against a running Api with the same variables.
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import {
  call, createFacePingClient, FacePingProblem, multipart, verifyWebhook, waitForJob,
} from "../src/index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const baseUrl = env("FACEPING_URL");
const photos = env("FACEPING_PHOTOS");
const photo = (name: string) => openAsBlob(join(photos, name));
const admin = createFacePingClient({ baseUrl, apiKey: env("FACEPING_ADMIN_KEY") });

async function newTenantKey() {
  const key = await call(admin.POST("/admin/keys", { body: { name: "node test" } }));
  assert.match(key.webhookSecret ?? "", /^whsec_/);
  return key;
}

async function newTenant(url = baseUrl, fetch?: typeof globalThis.fetch) {
  return createFacePingClient({ baseUrl: url, apiKey: (await newTenantKey()).key, fetch });
}

/** A webhook receiver on 127.0.0.1: the first callback's headers and raw body. */
async function receiver() {
  let delivered: (d: { headers: IncomingHttpHeaders; body: Buffer }) => void = () => {};
  const delivery = new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve) => (delivered = resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      delivered({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/faceping`;
  return { url, delivery, close: () => server.close() };
}

test("compare: two photos of one person match, of two people do not", async () => {
  const client = await newTenant();
  const same = await call(client.POST("/faces/compare", {
    body: { Face1: await photo("statham-a.jpg"), Face2: await photo("statham-b.jpg") },
    bodySerializer: multipart,
  }));
  assert.equal(same.isMatch, true);
  assert.ok(same.similarity >= same.threshold);
  const other = await call(client.POST("/faces/compare", {
    body: { Face1: await photo("statham-a.jpg"), Face2: await photo("diesel.jpg") },
    bodySerializer: multipart,
  }));
  assert.equal(other.isMatch, false);
});

test("store and search: a face stored with metadata is found by another photo", async () => {
  const client = await newTenant();
  const groupName = "people";
  await call(client.POST("/groups/{groupName}", { params: { path: { groupName } } }));
  const stored = await call(client.POST("/groups/{groupName}/face", {
    params: { path: { groupName }, query: { metadata: { name: "Statham" } } },
    body: { image: await photo("statham-a.jpg") },
    bodySerializer: multipart,
  }));
  assert.equal(stored.faceCount, 1);
  await call(client.POST("/groups/{groupName}/face", {
    params: { path: { groupName }, query: { metadata: { name: "Diesel" } } },
    body: { image: await photo("diesel.jpg") },
    bodySerializer: multipart,
  }));
  const hits = await call(client.POST("/groups/{groupName}/faces/search", {
    params: { path: { groupName }, query: { topK: 2, groupBy: "name" } },
    body: { queryImage: await photo("statham-b.jpg") },
    bodySerializer: multipart,
  }));
  assert.equal(hits[0].id, stored.id);
  assert.equal(hits[0].metadata.name, "Statham");
  const vector = await call(client.GET("/vectors/{vectorId}", { params: { path: { vectorId: stored.id } } }));
  assert.equal(vector.metadata.name, "Statham");
});

test("a job: an FTP folder import is waited for, a selfie finds its photo, the callback verifies", async () => {
  const key = await newTenantKey();
  const client = createFacePingClient({ baseUrl, apiKey: key.key });
  const hooks = await receiver();
  const groupName = "event";
  await call(client.POST("/groups/{groupName}", { params: { path: { groupName } } }));
  const accepted = await call(client.POST("/groups/{groupName}/process-ftp-folder", {
    params: { path: { groupName } },
    body: {
      host: "127.0.0.1",
      port: Number(env("FACEPING_FTP_PORT")),
      username: env("FACEPING_FTP_USER"),
      password: env("FACEPING_FTP_PASSWORD"),
      folderPath: "/",
      callbackUrl: hooks.url,
    },
  }));
  assert.equal(accepted.status, "queued");
  const seen: string[] = [];
  const job = await waitForJob(client, accepted.jobId, { intervalMs: 200, onProgress: (j) => seen.push(j.status) });
  assert.equal(job.status, "completed");
  assert.equal(job.successCount, Number(env("FACEPING_FTP_FACES")));
  assert.equal(seen.at(-1), "completed");
  const selfie = env("FACEPING_SELFIE");
  const [hit] = await call(client.POST("/groups/{groupName}/faces/search", {
    params: { path: { groupName }, query: { topK: 1 } },
    body: { queryImage: await openAsBlob(selfie) },
    bodySerializer: multipart,
  }));
  assert.equal(hit.metadata.fileName, selfie.split("/").at(-1));

  const { headers, body } = await hooks.delivery;
  hooks.close();
  const callback = verifyWebhook(key.webhookSecret!, headers, body);
  assert.equal(callback.jobId, accepted.jobId);
  assert.equal(callback.status, "completed");
  assert.equal(callback.successCount, job.successCount);
  const changed = Buffer.from(body);
  changed[changed.length - 2] ^= 1;
  assert.throws(() => verifyWebhook(key.webhookSecret!, headers, changed), /no signature matches/);
  assert.throws(() => verifyWebhook(key.webhookSecret!, headers, body, 300, Date.now() + 600_000), /replay/);
});

test("problems: a 404 and a 400 become FacePingProblem with title, detail and field errors", async () => {
  const client = await newTenant();
  await assert.rejects(call(client.GET("/vectors/{vectorId}", { params: { path: { vectorId: "nope" } } })),
    (e: unknown) => e instanceof FacePingProblem && e.status === 404 && e.title === "Not found"
      && (e.detail ?? "").includes("nope"));
  await call(client.POST("/groups/{groupName}", { params: { path: { groupName: "v" } } }));
  await assert.rejects(call(client.POST("/groups/{groupName}/vectors/search", {
    params: { path: { groupName: "v" } },
    body: { vectorString: "1,0", topK: 500 },
  })), (e: unknown) => e instanceof FacePingProblem && e.status === 400 && e.errors.topK?.length === 1);
});

test("a 429 is sent again after its Retry-After, with the same Idempotency-Key", async () => {
  const attempts: { status: number; key: string | null; method: string }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    attempts.push({ status: response.status, key: request.headers.get("Idempotency-Key"), method: request.method });
    return response;
  };
  const key = (await newTenantKey()).key;
  const limitedUrl = env("FACEPING_LIMITED_URL");
  const client = createFacePingClient({ baseUrl: limitedUrl, apiKey: key, fetch: recording });
  const spender = createFacePingClient({ baseUrl: limitedUrl, apiKey: key, maxRetries: 0 });
  for (let round = 1; round <= 5; round++) {
    // Empty the tenant's bucket (burst 2, one token a second), then create a group at once.
    for (let i = 0; i < 20 && (await spender.GET("/groups")).response.status !== 429; i++);
    attempts.length = 0;
    const group = await call(client.POST("/groups/{groupName}", { params: { path: { groupName: `g${round}` } } }));
    assert.equal(group.name, `g${round}`);
    if (attempts.length < 2) continue; // a token came back in between: the create was not limited
    assert.equal(attempts[0].status, 429);
    assert.equal(attempts.at(-1)!.status, 201);
    assert.ok(attempts[0].key);
    assert.ok(attempts.every((a) => a.key === attempts[0].key));
    return;
  }
  assert.fail("the create was never limited");
});
