/**
 * AES-256-GCM payload codec, byte-compatible with the C++ SDK's codec.
 *
 * An encoded payload has metadata
 *   encoding          = "binary/encrypted"
 *   encryption-cipher = "AES256-GCM"
 *   encryption-key-id = the key id (UTF-8)
 * and data = 12-byte random nonce || ciphertext || 16-byte GCM tag, with no
 * additional authenticated data. The plaintext is the binary protobuf
 * serialization of the whole original temporal.api.common.v1.Payload, so its
 * metadata (the original encoding) is encrypted too.
 *
 * Decoding leaves payloads that are not "binary/encrypted" untouched, so a
 * worker with this codec still reads plain payloads. An unknown key id, an
 * unknown cipher, truncated data or a failed authentication throw an error
 * that says which; the codec never returns unauthenticated bytes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Payload, PayloadCodec } from "@temporalio/common";
import { temporal } from "@temporalio/proto";

export const ENCRYPTED_ENCODING = "binary/encrypted";
export const CIPHER_NAME = "AES256-GCM";
export const METADATA_ENCODING = "encoding";
export const METADATA_CIPHER = "encryption-cipher";
export const METADATA_KEY_ID = "encryption-key-id";

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

const ProtoPayload = temporal.api.common.v1.Payload;
const textEncoder = new TextEncoder();
// fatal: a key id that is not valid UTF-8 is an error, not a replacement character.
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** AesGcmCodecOptions: the key used to encrypt, and every key accepted to decrypt. */
export interface AesGcmCodecOptions {
  /** Id of the key that encode uses; written into each payload's metadata. */
  keyId: string;
  /** Keys by id. Must contain keyId. Each key is 32 bytes. */
  keys: ReadonlyMap<string, Uint8Array>;
}

/** AesGcmCodec: a Temporal PayloadCodec that encrypts every payload with AES-256-GCM. */
export class AesGcmCodec implements PayloadCodec {
  private readonly keyId: string;
  private readonly keys: ReadonlyMap<string, Uint8Array>;

  constructor(options: AesGcmCodecOptions) {
    for (const [id, key] of options.keys) {
      checkKey(id, key);
    }
    if (!options.keys.has(options.keyId)) {
      throw new Error(
        `AES-GCM codec: the encryption key id "${options.keyId}" has no key`,
      );
    }
    this.keyId = options.keyId;
    this.keys = new Map(options.keys);
  }

  /** fromHexKey: a codec with one key, given as 64 hexadecimal characters. */
  static fromHexKey(keyId: string, keyHex: string): AesGcmCodec {
    if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) {
      throw new Error(
        `AES-GCM codec: key "${keyId}" must be 64 hexadecimal characters (32 bytes)`,
      );
    }
    return new AesGcmCodec({
      keyId,
      keys: new Map([[keyId, Buffer.from(keyHex, "hex")]]),
    });
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.keyId)!;
    return payloads.map((payload) =>
      encryptPayload(payload, this.keyId, key, randomBytes(NONCE_BYTES)),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => decryptPayload(payload, this.keys));
  }
}

/**
 * encryptPayload: the encoded form of `payload` under `key` with the given
 * nonce. Exported for the known-answer test; production code goes through
 * AesGcmCodec.encode, which draws a fresh random nonce for every payload.
 * Reusing a nonce with the same key breaks GCM, so never pass a fixed one.
 */
export function encryptPayload(
  payload: Payload,
  keyId: string,
  key: Uint8Array,
  nonce: Uint8Array,
): Payload {
  checkKey(keyId, key);
  if (nonce.length !== NONCE_BYTES) {
    throw new Error(
      `AES-GCM codec: the nonce must be ${NONCE_BYTES} bytes, got ${nonce.length}`,
    );
  }
  const plaintext = ProtoPayload.encode(payload).finish();
  const cipher = createCipheriv("aes-256-gcm", key, nonce, {
    authTagLength: TAG_BYTES,
  });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    metadata: {
      [METADATA_ENCODING]: textEncoder.encode(ENCRYPTED_ENCODING),
      [METADATA_CIPHER]: textEncoder.encode(CIPHER_NAME),
      [METADATA_KEY_ID]: textEncoder.encode(keyId),
    },
    data: Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]),
  };
}

/**
 * decryptPayload: the original payload inside an encoded one, or `payload`
 * itself when its encoding is not "binary/encrypted".
 */
export function decryptPayload(
  payload: Payload,
  keys: ReadonlyMap<string, Uint8Array>,
): Payload {
  if (metadataString(payload, METADATA_ENCODING) !== ENCRYPTED_ENCODING) {
    return payload;
  }
  const cipherName = metadataString(payload, METADATA_CIPHER);
  if (cipherName !== CIPHER_NAME) {
    throw new Error(
      `AES-GCM codec: unsupported encryption cipher "${cipherName ?? "(missing)"}", expected "${CIPHER_NAME}"`,
    );
  }
  const keyId = metadataString(payload, METADATA_KEY_ID);
  if (keyId === undefined) {
    throw new Error(
      `AES-GCM codec: encrypted payload has no "${METADATA_KEY_ID}" metadata`,
    );
  }
  const key = keys.get(keyId);
  if (key === undefined) {
    throw new Error(`AES-GCM codec: unknown encryption key id "${keyId}"`);
  }
  const data = payload.data ?? new Uint8Array();
  if (data.length < NONCE_BYTES + TAG_BYTES) {
    throw new Error(
      `AES-GCM codec: encrypted data is ${data.length} bytes, shorter than nonce and tag (${NONCE_BYTES + TAG_BYTES})`,
    );
  }
  const nonce = data.subarray(0, NONCE_BYTES);
  const ciphertext = data.subarray(NONCE_BYTES, data.length - TAG_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw new Error(
      `AES-GCM codec: authentication failed for a payload encrypted with key id "${keyId}" (wrong key or tampered data)`,
      { cause },
    );
  }
  try {
    return ProtoPayload.decode(plaintext);
  } catch (cause) {
    throw new Error(
      `AES-GCM codec: decrypted data is not a serialized temporal.api.common.v1.Payload`,
      { cause },
    );
  }
}

function metadataString(payload: Payload, name: string): string | undefined {
  const value = payload.metadata?.[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  try {
    return textDecoder.decode(value);
  } catch {
    throw new Error(`AES-GCM codec: metadata "${name}" is not valid UTF-8`);
  }
}

function checkKey(keyId: string, key: Uint8Array): void {
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `AES-GCM codec: key "${keyId}" must be ${KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}
