// The contract's TypeScript smoke test: the types openapi-typescript generates from the OpenAPI
// document (target/clients/ts/schema.d.ts) and openapi-fetch as the typed runtime client. It logs
// in, lists the user's runs and reads a feature; `tsc --noEmit` (strict) proves the calls, their
// parameters and the fields read match the document, and running it proves they match the service.
//
// Run by scripts/contract-clients.sh. Environment (all required):
//   SMOKE_BASE_URL      the service, e.g. http://127.0.0.1:8000 (the API is under /api/v1)
//   SMOKE_USERNAME, SMOKE_PASSWORD   a registered user
//   SMOKE_RUN_ID        a run of that user's, which the list must contain
//   SMOKE_FEATURE_ID, SMOKE_FEATURE_NAME   a feature and the name it must have
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "../../target/clients/ts/schema.js";

type RunListItem = components["schemas"]["CombatRunListItem"];
type Feature = components["schemas"]["Feature"];

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(`check failed: ${message}`);
}

const base = env("SMOKE_BASE_URL").replace(/\/+$/, "");
// Every request gives up after 10 s.
const client = createClient<paths>({
  baseUrl: `${base}/api/v1`,
  fetch: (request) => fetch(request, { signal: AbortSignal.timeout(10_000) }),
});

// 1. Log in (JSON body; the form variant of the same operation is typed too).
const login = await client.POST("/auth/login", {
  body: { username: env("SMOKE_USERNAME"), password: env("SMOKE_PASSWORD") },
});
if (login.error !== undefined) {
  throw new Error(`login: ${login.response.status} ${login.error.error}: ${login.error.detail}`);
}
const token: string = login.data.access_token;
check(login.data.token_type.toLowerCase() === "bearer", `token_type is ${login.data.token_type}`);
console.log(`login: ${login.response.status}, token expires in ${login.data.expires_in} s`);

const bearer: Middleware = {
  onRequest({ request }) {
    request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};
client.use(bearer);

// 2. List runs: the seeded run is among them.
const runs = await client.GET("/runs", { params: { query: { limit: 100, offset: 0 } } });
if (runs.error !== undefined) {
  throw new Error(`list runs: ${runs.response.status} ${runs.error.error}: ${runs.error.detail}`);
}
const wanted = env("SMOKE_RUN_ID");
const run: RunListItem | undefined = runs.data.runs.find((r) => r.run_id === wanted);
check(run !== undefined, `run ${wanted} not in the ${runs.data.runs.length} listed (total ${runs.data.total})`);
console.log(`list runs: ${runs.response.status}, ${runs.data.total} run(s); ${run.run_id}: ${run.character_name}, ${run.content_name}, ${run.dps} DPS`);

// 3. Read a feature by id.
const featureId = env("SMOKE_FEATURE_ID");
const got = await client.GET("/features/{feature_id}", { params: { path: { feature_id: featureId } } });
if (got.error !== undefined) {
  throw new Error(`get feature: ${got.response.status} ${got.error.error}: ${got.error.detail}`);
}
const feature: Feature = got.data;
check(feature.feature_id === featureId, `feature_id is ${feature.feature_id}`);
check(feature.name === env("SMOKE_FEATURE_NAME"), `feature name is ${feature.name}`);
console.log(`get feature: ${got.response.status}, ${feature.feature_id} is "${feature.name}" (${feature.category})`);

console.log("typescript smoke: 3 calls OK");
