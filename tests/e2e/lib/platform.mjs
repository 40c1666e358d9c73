// The platform the browser tests run against: the one scripts/run starts,
// described by the run.env it writes once everything is ready (PROVISIO_URL,
// the demo users' ids and passwords, TEMPORAL_ADDRESS, PROVISIO_S3_ENDPOINT).
import { readFileSync } from "node:fs";

/** readRunEnv parses a run.env file: KEY=VALUE lines, optionally quoted, # comments. */
export function readRunEnv(file) {
  const values = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const found = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!found) continue;
    let value = found[2].trim();
    if (
      (value.startsWith("'") && value.endsWith("'")) ||
      (value.startsWith('"') && value.endsWith('"'))
    ) {
      value = value.slice(1, -1);
    }
    values[found[1]] = value;
  }
  return values;
}

/** platform is what the specs need, from the environment run.mjs passes them. */
export function platform() {
  const file = process.env.PROVISIO_RUN_ENV;
  if (!file)
    throw new Error(
      "PROVISIO_RUN_ENV is not set: run the specs through `npm test` (run.mjs)",
    );
  const env = readRunEnv(file);
  const url = (process.env.PROVISIO_E2E_URL ?? env.PROVISIO_URL ?? "").replace(
    /\/$/,
    "",
  );
  if (!url) throw new Error(`${file} names no PROVISIO_URL`);
  const user = (name) => {
    const upper = name.toUpperCase();
    const password =
      env[`PROVISIO_DEMO_${upper}_PASSWORD`] ?? env[`${upper}_PASSWORD`];
    if (!password)
      throw new Error(`${file} has no password for the demo user ${name}`);
    return { id: env[`PROVISIO_DEMO_${upper}_USER`] ?? name, password };
  };
  return { url, env, user, s3Endpoint: env.PROVISIO_S3_ENDPOINT };
}

/**
 * skipUnlessServed skips test `t` (saying why) when the API's OpenAPI
 * document lacks one of `paths` ("GET /api/applications"): a spec that needs
 * a route the API in this tree does not have yet reports itself skipped,
 * never passed.
 */
export async function skipUnlessServed(t, baseUrl, paths) {
  const document = await (await fetch(`${baseUrl}/api/openapi.json`)).json();
  const missing = paths.filter((entry) => {
    const [method, route] = entry.split(" ");
    return !document.paths?.[route]?.[method.toLowerCase()];
  });
  if (missing.length)
    t.skip(`the API does not serve ${missing.join(", ")} yet`);
  return missing.length === 0;
}
