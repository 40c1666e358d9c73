/**
 * AES-256-GCM payload codec, byte-compatible with the C++ SDK's codec
 * (sdk/include/temporal/converter/aes_gcm_codec.h, docs/payload-encryption.md).
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
 * Encoding uses the key ring's current key; decoding picks the key named by
 * "encryption-key-id" among all the ring's keys (see key-ring.ts).
 *
 * Decoding leaves payloads that are not "binary/encrypted" untouched, so a
 * worker with this codec still reads plain payloads. An unknown key id, an
 * unknown cipher, truncated data or a failed authentication throw an error
 * that says which; the codec never returns unauthenticated bytes.
 */
import { randomBytes } from "node:crypto";
import type { Payload, PayloadCodec } from "@temporalio/common";
import { temporal } from "@temporalio/proto";
import { NONCE_BYTES, open, seal } from "./aes-gcm";
import { checkKey, KeyRing } from "./key-ring";

export const ENCRYPTED_ENCODING = "binary/encrypted";
export const CIPHER_NAME = "AES256-GCM";
export const METADATA_ENCODING = "encoding";
export const METADATA_CIPHER = "encryption-cipher";
export const METADATA_KEY_ID = "encryption-key-id";

const ProtoPayload = temporal.api.common.v1.Payload;
const textEncoder = new TextEncoder();
// fatal: a key id that is not valid UTF-8 is an error, not a replacement character.
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * AesGcmCodecOptions: the key used to encrypt, and every key accepted to
 * decrypt (the form tests/interop used before the key ring; a KeyRing is the
 * same thing).
 */
export interface AesGcmCodecOptions {
  /** Id of the key that encode uses; written into each payload's metadata. */
  keyId: string;
  /** Keys by id. Must contain keyId. Each key is 32 bytes. */
  keys: ReadonlyMap<string, Uint8Array>;
}

/** AesGcmCodec: a Temporal PayloadCodec that encrypts every payload with AES-256-GCM. */
export class AesGcmCodec implements PayloadCodec {
  /** ring: the keys this codec encrypts and decrypts with. */
  readonly ring: KeyRing;

  constructor(keys: KeyRing | AesGcmCodecOptions) {
    this.ring = keys instanceof KeyRing ? keys : ringFromOptions(keys);
  }

  /** fromHexKey: a codec with one key, given as 64 hexadecimal characters. */
  static fromHexKey(keyId: string, keyHex: string): AesGcmCodec {
    return new AesGcmCodec(KeyRing.fromHex(keyId, keyHex));
  }

  /** fromEnv: a codec with the key ring of KeyRing.fromEnv. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>>,
  ): AesGcmCodec {
    return new AesGcmCodec(KeyRing.fromEnv(env));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.ring.currentKeyId;
    const key = this.ring.currentKey();
    return payloads.map((payload) =>
      encryptPayload(payload, keyId, key, randomBytes(NONCE_BYTES)),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => decryptPayload(payload, this.ring));
  }
}

function ringFromOptions(options: AesGcmCodecOptions): KeyRing {
  const current = options.keys.get(options.keyId);
  if (current === undefined) {
    throw new Error(
      `AES-GCM codec: the encryption key id "${options.keyId}" has no key`,
    );
  }
  const rest = new Map(options.keys);
  rest.delete(options.keyId);
  return new KeyRing({ id: options.keyId, key: current }, rest);
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
  const plaintext = ProtoPayload.encode(payload).finish();
  return {
    metadata: {
      [METADATA_ENCODING]: textEncoder.encode(ENCRYPTED_ENCODING),
      [METADATA_CIPHER]: textEncoder.encode(CIPHER_NAME),
      [METADATA_KEY_ID]: textEncoder.encode(keyId),
    },
    data: seal(plaintext, keyId, key, nonce),
  };
}

/**
 * decryptPayload: the original payload inside an encoded one, or `payload`
 * itself when its encoding is not "binary/encrypted". `keys` is a KeyRing or
 * a map of keys by id.
 */
export function decryptPayload(
  payload: Payload,
  keys: KeyRing | ReadonlyMap<string, Uint8Array>,
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
  const key = keys instanceof KeyRing ? keys.key(keyId) : keys.get(keyId);
  if (key === undefined) {
    throw new Error(`AES-GCM codec: unknown encryption key id "${keyId}"`);
  }
  const plaintext = open(payload.data ?? new Uint8Array(), keyId, key);
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
