/**
 * The local provider: a "cloud" made of directories and files under one root
 * directory (PROVISIO_LOCAL_ROOT), standing in for the demo's Pulumi stack on
 * AWS. The demo's stack has an S3 bucket and an `index.html` object in it;
 * here an application owns `<root>/<applicationId>/`, its bucket is a
 * directory in there, its objects are files in the bucket, and
 * `manifest.json` records what exists:
 *
 *   <root>/<applicationId>/manifest.json
 *   <root>/<applicationId>/<bucketName>/index.html
 *
 * Every operation is idempotent, so a retried activity attempt can run it again.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** LocalResource is one created resource, as the manifest lists it. */
export interface LocalResource {
  type: "local:bucket" | "local:object";
  name: string;
  path: string;
}

/** Manifest is `<root>/<applicationId>/manifest.json`. */
export interface Manifest {
  applicationId: string;
  applicationName: string;
  teamId: string;
  region: string;
  profile: string;
  bucketName: string;
  resources: LocalResource[];
  createdAt: string;
}

export const MANIFEST_FILE = "manifest.json";

// Names become path components: letters, digits, '.', '_' and '-', never
// starting with a dot, so that no name can leave the root.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** isSafeName tells whether `name` can be used as one path component. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name);
}

/** LocalCloud creates and removes resources under `root`. */
export class LocalCloud {
  constructor(readonly root: string) {}

  /** applicationDir is the directory that holds everything of one application. */
  applicationDir(applicationId: string): string {
    return path.join(this.root, checked(applicationId));
  }

  /** createBucket creates the bucket directory and returns its path. */
  async createBucket(
    applicationId: string,
    bucketName: string,
  ): Promise<string> {
    const bucket = path.join(
      this.applicationDir(applicationId),
      checked(bucketName),
    );
    await mkdir(bucket, { recursive: true });
    return bucket;
  }

  /** putObject writes object `key` into the bucket and returns its path. */
  async putObject(
    applicationId: string,
    bucketName: string,
    key: string,
    content: string,
  ): Promise<string> {
    const object = path.join(
      this.applicationDir(applicationId),
      checked(bucketName),
      checked(key),
    );
    await writeFile(object, content, "utf8");
    return object;
  }

  /** writeManifest records what exists, atomically (write, then rename). */
  async writeManifest(manifest: Manifest): Promise<string> {
    const file = path.join(
      this.applicationDir(manifest.applicationId),
      MANIFEST_FILE,
    );
    const temporary = `${file}.tmp`;
    await writeFile(
      temporary,
      JSON.stringify(manifest, null, 2) + "\n",
      "utf8",
    );
    await rename(temporary, file);
    return file;
  }

  /** readManifest returns the application's manifest, or undefined. */
  async readManifest(applicationId: string): Promise<Manifest | undefined> {
    const file = path.join(this.applicationDir(applicationId), MANIFEST_FILE);
    try {
      return JSON.parse(await readFile(file, "utf8")) as Manifest;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        return undefined;
      }
      throw err;
    }
  }

  /** destroyApplication removes everything of the application. */
  async destroyApplication(applicationId: string): Promise<void> {
    await rm(this.applicationDir(applicationId), {
      recursive: true,
      force: true,
    });
  }
}

function checked(name: string): string {
  if (!isSafeName(name)) {
    throw new Error(`unsafe resource name ${JSON.stringify(name)}`);
  }
  return name;
}
