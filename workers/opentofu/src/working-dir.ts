/**
 * A fresh working directory for one run: the template's files, the
 * parameters as terraform.tfvars.json, an empty `pg` backend block, and the
 * environment every tofu command of the run gets (mirror-only CLI config, no
 * update checks, the state backend's connection, the encryption block).
 */
import { createHash } from "node:crypto";
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import type { RunnerConfig } from "./config";

/** StackRef: which stack, of which template, with which inputs. */
export interface StackInputs {
  /** The stack's name: its state workspace, and its mark on the resources. */
  stack: string;
  /** The template: a directory of the catalogue (templates/NAME). */
  template: string;
  /** The requester's parameters (variables not starting with provisio_). */
  parameters?: Record<string, unknown>;
  /** The authorizer's choices, for templates that declare them. */
  region?: string;
  profile?: string;
}

export interface WorkingDir {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The SHA-256 over the template's file names and contents. */
  templateHash: string;
  remove(): Promise<void>;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * layOut: makes the working directory. Throws an Error naming the input when
 * the stack or template name is not a plain name or the template is missing.
 */
export async function layOut(
  config: RunnerConfig,
  inputs: StackInputs,
): Promise<WorkingDir> {
  if (!NAME.test(inputs.stack)) {
    throw new Error(
      `stack "${inputs.stack}" is not a name (a-z, 0-9, - and _)`,
    );
  }
  if (!NAME.test(inputs.template)) {
    throw new Error(`template "${inputs.template}" is not a name`);
  }
  const templateDir = path.join(config.templatesDir, inputs.template);
  const files = (await readdir(templateDir).catch(() => undefined))?.sort();
  if (files === undefined) {
    throw new Error(
      `no template "${inputs.template}" in ${config.templatesDir}`,
    );
  }
  await mkdir(config.workDir, { recursive: true });
  const dir = await mkdtemp(path.join(config.workDir, `${inputs.stack}-`));
  await cp(await realpath(templateDir), dir, {
    recursive: true,
    dereference: true,
  });

  const hash = createHash("sha256");
  const declared = new Set<string>();
  for (const file of files) {
    const content = await readFile(path.join(templateDir, file)).catch(
      () => undefined,
    );
    if (content === undefined) continue; // a subdirectory
    hash.update(`${file}\n`).update(content);
    if (file.endsWith(".tf")) {
      for (const m of content
        .toString("utf8")
        .matchAll(/^\s*variable\s+"([^"]+)"/gm)) {
        declared.add(m[1]);
      }
    }
  }

  const platform: Record<string, unknown> = {
    provisio_stack: inputs.stack,
    provisio_local_root: config.localRoot,
    ...(inputs.region ? { provisio_region: inputs.region } : {}),
    ...(inputs.profile ? { provisio_profile: inputs.profile } : {}),
  };
  const variables: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs.parameters ?? {})) {
    if (name.startsWith("provisio_")) {
      throw new Error(`parameter "${name}" is reserved for the platform`);
    }
    variables[name] = value;
  }
  for (const [name, value] of Object.entries(platform)) {
    if (declared.has(name)) variables[name] = value;
  }
  await writeFile(
    path.join(dir, "terraform.tfvars.json"),
    JSON.stringify(variables, null, 2),
  );
  await writeFile(
    path.join(dir, "zz_provisio_backend.tf"),
    'terraform {\n  backend "pg" {}\n}\n',
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: config.cliConfigFile,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // The pg backend reads these, which keeps the connection string (and its
    // password) out of tofu's command line and .terraform/.
    PG_CONN_STR: config.pgUrl,
    PG_SCHEMA_NAME: config.stateSchema,
    TF_ENCRYPTION: encryptionBlock(config.statePassphrase),
  };
  delete env.TF_WORKSPACE;
  return {
    dir,
    env,
    templateHash: hash.digest("hex"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * encryptionBlock: OpenTofu's `encryption` configuration, given as
 * TF_ENCRYPTION: state and plan files AES-GCM encrypted with a key derived
 * (PBKDF2) from the passphrase, so neither the state table nor a saved plan
 * holds a secret in plaintext. Every tofu command derives the key again, so
 * the iterations are OpenTofu's minimum (200,000, not its default 600,000):
 * the passphrase is a random secret of the deployment, not a person's
 * password, so key stretching buys little and would cost ~0.5 s per command.
 */
export function encryptionBlock(passphrase: string): string {
  return `
key_provider "pbkdf2" "provisio" {
  passphrase = ${JSON.stringify(passphrase)}
  iterations = 200000
}
method "aes_gcm" "provisio" {
  keys = key_provider.pbkdf2.provisio
}
state {
  method   = method.aes_gcm.provisio
  enforced = true
}
plan {
  method   = method.aes_gcm.provisio
  enforced = true
}
`;
}
