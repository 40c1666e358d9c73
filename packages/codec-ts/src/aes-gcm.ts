/**
 * The AES-256-GCM primitives under the payload codec, for bytes that are not
 * Temporal payloads (the OpenTofu runner's plan files, sensitive outputs).
 *
 * A sealed box is exactly the codec's payload data:
 *   12-byte random nonce || ciphertext || 16-byte GCM tag   (no AAD)
 * The key id travels beside it (a column, or the text form below), never
 * inside it, as it travels in the payload's metadata.
 *
 * Text form (sealText/openText), for values that must be strings:
 *   "provisio-aesgcm:v1:" + base64url(UTF-8 key id) + ":" + base64(sealed box)
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { checkKey, KeyRing } from "./key-ring";

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEALED_TEXT_PREFIX = "provisio-aesgcm:v1:";

/**
 * seal: nonce || AES-256-GCM(key, nonce, plaintext) || tag. `nonce` is for the
 * known-answer tests only: reusing a nonce with one key breaks GCM, so callers
 * leave it out and get a fresh random one.
 */
export function seal(
  plaintext: Uint8Array,
  keyId: string,
  key: Uint8Array,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): Buffer {
  checkKey(keyId, key);
  if (nonce.length !== NONCE_BYTES) {
    throw new Error(
      `AES-GCM codec: the nonce must be ${NONCE_BYTES} bytes, got ${nonce.length}`,
    );
  }
  const cipher = createCipheriv("aes-256-gcm", key, nonce, {
    authTagLength: TAG_BYTES,
  });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]);
}

/**
 * open: the plaintext of a sealed box. Throws (naming the key id) on data
 * shorter than nonce and tag, or when authentication fails; it never returns
 * unauthenticated bytes.
 */
export function open(data: Uint8Array, keyId: string, key: Uint8Array): Buffer {
  if (data.length < NONCE_BYTES + TAG_BYTES) {
    throw new Error(
      `AES-GCM codec: encrypted data is ${data.length} bytes, shorter than nonce and tag (${NONCE_BYTES + TAG_BYTES})`,
    );
  }
  const nonce = data.subarray(0, NONCE_BYTES);
  const ciphertext = data.subarray(NONCE_BYTES, data.length - TAG_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw new Error(
      `AES-GCM codec: authentication failed for data encrypted with key id "${keyId}" (wrong key or tampered data)`,
      { cause },
    );
  }
}

/** SealedBytes: a sealed box and the id of the key that sealed it. */
export interface SealedBytes {
  keyId: string;
  data: Buffer;
}

/** sealWithRing: `plaintext` sealed with the ring's current key. */
export function sealWithRing(
  ring: KeyRing,
  plaintext: Uint8Array,
): SealedBytes {
  const keyId = ring.currentKeyId;
  return { keyId, data: seal(plaintext, keyId, ring.currentKey()) };
}

/** openWithRing: the plaintext of a box sealed under `keyId` by a key of the ring. */
export function openWithRing(
  ring: KeyRing,
  keyId: string,
  data: Uint8Array,
): Buffer {
  const key = ring.key(keyId);
  if (key === undefined) {
    throw new Error(`AES-GCM codec: unknown encryption key id "${keyId}"`);
  }
  return open(data, keyId, key);
}

/** sealText: `text` (UTF-8) sealed with the ring's current key, as a string. */
export function sealText(ring: KeyRing, text: string): string {
  const { keyId, data } = sealWithRing(ring, Buffer.from(text, "utf8"));
  return `${SEALED_TEXT_PREFIX}${Buffer.from(keyId, "utf8").toString("base64url")}:${data.toString("base64")}`;
}

/** isSealedText: whether `value` is a string in sealText's form. */
export function isSealedText(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(SEALED_TEXT_PREFIX);
}

/** openText: the text inside sealText's output. */
export function openText(ring: KeyRing, sealed: string): string {
  if (!isSealedText(sealed)) {
    throw new Error(
      `AES-GCM codec: sealed text must start with "${SEALED_TEXT_PREFIX}"`,
    );
  }
  const rest = sealed.slice(SEALED_TEXT_PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon < 0) {
    throw new Error("AES-GCM codec: sealed text has no key id");
  }
  const keyId = Buffer.from(rest.slice(0, colon), "base64url").toString("utf8");
  const data = Buffer.from(rest.slice(colon + 1), "base64");
  return openWithRing(ring, keyId, data).toString("utf8");
}
