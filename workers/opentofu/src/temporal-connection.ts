/**
 * Where Temporal is and how to reach it, from the variables the official SDKs
 * and the `temporal` CLI read (the C++ processes read the same ones:
 * sdk/include/temporal/client/environment_options.h), so one deployment's
 * settings serve every process: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY (turns TLS on), TEMPORAL_TLS (true/false/1/0),
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH and
 * TEMPORAL_TLS_CLIENT_KEY_PATH (mTLS, both or neither),
 * TEMPORAL_TLS_SERVER_NAME. Empty values count as unset.
 */
import { readFileSync } from "node:fs";
import type { NativeConnectionOptions } from "@temporalio/worker";

export interface TemporalConnection {
  namespace: string;
  options: NativeConnectionOptions;
}

export function temporalConnectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnection {
  const get = (name: string): string | undefined => env[name] || undefined;
  const address = get("TEMPORAL_ADDRESS");
  if (!address) throw new Error("TEMPORAL_ADDRESS must be set");
  const apiKey = get("TEMPORAL_API_KEY");
  const caPath = get("TEMPORAL_TLS_SERVER_CA_CERT_PATH");
  const certPath = get("TEMPORAL_TLS_CLIENT_CERT_PATH");
  const keyPath = get("TEMPORAL_TLS_CLIENT_KEY_PATH");
  const serverName = get("TEMPORAL_TLS_SERVER_NAME");
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error(
      `${certPath ? "TEMPORAL_TLS_CLIENT_KEY_PATH" : "TEMPORAL_TLS_CLIENT_CERT_PATH"} is missing: a client certificate needs both its certificate and its key`,
    );
  }
  let tls = Boolean(apiKey || caPath || certPath || serverName);
  const flag = get("TEMPORAL_TLS");
  if (flag !== undefined) {
    if (flag === "true" || flag === "1") tls = true;
    else if (flag === "false" || flag === "0") tls = false;
    else throw new Error(`TEMPORAL_TLS: "${flag}" is not true, false, 1 or 0`);
  }
  const read = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${variable}: cannot read ${path} (${String(error)})`);
    }
  };
  const options: NativeConnectionOptions = { address };
  if (apiKey) options.apiKey = apiKey;
  if (tls) {
    options.tls = {
      ...(serverName ? { serverNameOverride: serverName } : {}),
      ...(caPath
        ? {
            serverRootCACertificate: read(
              "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
              caPath,
            ),
          }
        : {}),
      ...(certPath && keyPath
        ? {
            clientCertPair: {
              crt: read("TEMPORAL_TLS_CLIENT_CERT_PATH", certPath),
              key: read("TEMPORAL_TLS_CLIENT_KEY_PATH", keyPath),
            },
          }
        : {}),
    };
  } else if (caPath || certPath) {
    throw new Error(
      "TEMPORAL_TLS is false but TLS files are given: remove one or the other",
    );
  }
  return { namespace: get("TEMPORAL_NAMESPACE") ?? "default", options };
}
