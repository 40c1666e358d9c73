// The runner reads Temporal's address, namespace, API key and TLS files from
// the official SDKs' variables, like the C++ processes beside it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { temporalConnectionFromEnv } from "../src/temporal-connection";

test("nothing but an address is plaintext to the default namespace", () => {
  const { namespace, options } = temporalConnectionFromEnv({
    TEMPORAL_ADDRESS: "127.0.0.1:7233",
    TEMPORAL_TLS: "",
    TEMPORAL_API_KEY: "",
  });
  assert.equal(namespace, "default");
  assert.equal(options.address, "127.0.0.1:7233");
  assert.equal(options.tls, undefined);
  assert.equal(options.apiKey, undefined);
});

test("an API key turns TLS on (Temporal Cloud)", () => {
  const { namespace, options } = temporalConnectionFromEnv({
    TEMPORAL_ADDRESS: "acme.a1b2c.tmprl.cloud:7233",
    TEMPORAL_NAMESPACE: "acme.a1b2c",
    TEMPORAL_API_KEY: "key-123",
  });
  assert.equal(namespace, "acme.a1b2c");
  assert.equal(options.apiKey, "key-123");
  assert.deepEqual(options.tls, {});
});

test("mTLS reads the CA and the client pair; mistakes name the variable", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "temporal-connection-"));
  try {
    for (const name of ["ca.pem", "client.pem", "client.key"]) {
      writeFileSync(path.join(dir, name), `-----BEGIN ${name}-----\n`);
    }
    const { options } = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: "temporal.internal:7233",
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, "ca.pem"),
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, "client.pem"),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, "client.key"),
      TEMPORAL_TLS_SERVER_NAME: "temporal.internal",
    });
    const tls = options.tls as {
      serverNameOverride: string;
      serverRootCACertificate: Buffer;
      clientCertPair: { crt: Buffer; key: Buffer };
    };
    assert.equal(tls.serverNameOverride, "temporal.internal");
    assert.equal(
      tls.serverRootCACertificate.toString(),
      "-----BEGIN ca.pem-----\n",
    );
    assert.equal(
      tls.clientCertPair.key.toString(),
      "-----BEGIN client.key-----\n",
    );

    assert.throws(
      () =>
        temporalConnectionFromEnv({
          TEMPORAL_ADDRESS: "x:1",
          TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, "client.pem"),
        }),
      /TEMPORAL_TLS_CLIENT_KEY_PATH is missing/,
    );
    assert.throws(
      () =>
        temporalConnectionFromEnv({
          TEMPORAL_ADDRESS: "x:1",
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, "absent.pem"),
        }),
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read/,
    );
    assert.throws(
      () =>
        temporalConnectionFromEnv({
          TEMPORAL_ADDRESS: "x:1",
          TEMPORAL_TLS: "yes",
        }),
      /TEMPORAL_TLS: "yes"/,
    );
    assert.throws(
      () => temporalConnectionFromEnv({}),
      /TEMPORAL_ADDRESS must be set/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
