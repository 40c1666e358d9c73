/**
 * KeyRing: the AES-256 keys a codec may use, by id, one of them current.
 *
 * As in the C++ SDK's AesGcmCodec (sdk/include/temporal/converter/aes_gcm_codec.h),
 * encryption always uses the current key and writes its id; decryption picks
 * the key by the id the data carries, among the current key and the
 * decrypt-only keys. To rotate, make the new key current and keep the old one
 * decrypt-only until nothing encrypted with it is still read.
 *
 * Example:
 *
 *   const ring = KeyRing.fromEnv(process.env);
 *   // PROVISIO_CODEC_KEY_ID=key-2026-12 PROVISIO_CODEC_KEY_HEX=<64 hex digits>
 *   // PROVISIO_CODEC_DECRYPT_ONLY_KEYS="key-2026-06=<64 hex digits>,..."
 *
 * A KeyRing is immutable; it copies the keys it is given.
 */
export const KEY_BYTES = 32;

/** ENV_KEY_ID: the environment variable naming the current key's id. */
export const ENV_KEY_ID = "PROVISIO_CODEC_KEY_ID";
/** ENV_KEY_HEX: the environment variable holding the current key, 64 hex digits. */
export const ENV_KEY_HEX = "PROVISIO_CODEC_KEY_HEX";
/** ENV_DECRYPT_ONLY_KEYS: optional "id=hex,id=hex" list of decrypt-only keys. */
export const ENV_DECRYPT_ONLY_KEYS = "PROVISIO_CODEC_DECRYPT_ONLY_KEYS";

export class KeyRing {
  /** currentKeyId: the id of the key that encryption uses. */
  readonly currentKeyId: string;
  private readonly keys: ReadonlyMap<string, Uint8Array>;

  /**
   * Builds a ring whose current key is `current` and which also decrypts with
   * `decryptOnly`. Throws when a key is not 32 bytes, an id is empty, or a
   * decrypt-only id repeats the current one.
   */
  constructor(
    current: { id: string; key: Uint8Array },
    decryptOnly: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {
    checkKey(current.id, current.key);
    const keys = new Map<string, Uint8Array>([
      [current.id, Uint8Array.from(current.key)],
    ]);
    for (const [id, key] of decryptOnly) {
      checkKey(id, key);
      if (keys.has(id)) {
        throw new Error(
          `AES-GCM key ring: key id "${id}" is both current and decrypt-only`,
        );
      }
      keys.set(id, Uint8Array.from(key));
    }
    this.currentKeyId = current.id;
    this.keys = keys;
  }

  /** fromHex: a ring from hex keys; `decryptOnly` maps ids to hex keys. */
  static fromHex(
    currentId: string,
    currentHex: string,
    decryptOnly: Readonly<Record<string, string>> = {},
  ): KeyRing {
    return new KeyRing(
      { id: currentId, key: keyFromHex(currentId, currentHex) },
      new Map(
        Object.entries(decryptOnly).map(([id, hex]) => [
          id,
          keyFromHex(id, hex),
        ]),
      ),
    );
  }

  /**
   * fromEnv: the ring configured by PROVISIO_CODEC_KEY_ID, PROVISIO_CODEC_KEY_HEX
   * and the optional PROVISIO_CODEC_DECRYPT_ONLY_KEYS ("id=hex,id=hex").
   * Throws naming the variable that is missing or malformed.
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): KeyRing {
    const id = env[ENV_KEY_ID];
    const hex = env[ENV_KEY_HEX];
    if (!id) throw new Error(`${ENV_KEY_ID} must be set`);
    if (!hex) throw new Error(`${ENV_KEY_HEX} must be set`);
    const decryptOnly: Record<string, string> = {};
    for (const entry of (env[ENV_DECRYPT_ONLY_KEYS] ?? "").split(",")) {
      if (entry.trim() === "") continue;
      const at = entry.lastIndexOf("=");
      if (at <= 0) {
        throw new Error(
          `${ENV_DECRYPT_ONLY_KEYS}: "${entry.split("=")[0]}..." is not id=hex`,
        );
      }
      decryptOnly[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
    }
    return KeyRing.fromHex(id, hex, decryptOnly);
  }

  /**
   * rotatedTo: a new ring whose current key is `key` under `id`, with every
   * key of this ring kept decrypt-only.
   */
  rotatedTo(id: string, key: Uint8Array): KeyRing {
    const rest = new Map(this.keys);
    rest.delete(id);
    return new KeyRing({ id, key }, rest);
  }

  /** currentKey: the key that encryption uses. */
  currentKey(): Uint8Array {
    return this.keys.get(this.currentKeyId)!;
  }

  /** key: the key with this id, or undefined when the ring has none. */
  key(id: string): Uint8Array | undefined {
    return this.keys.get(id);
  }

  /** keyIds: every id in the ring, the current one first. */
  keyIds(): string[] {
    return [...this.keys.keys()];
  }
}

/** keyFromHex: a 32-byte key written as 64 hexadecimal digits. */
export function keyFromHex(keyId: string, hex: string): Uint8Array {
  const trimmed = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new Error(
      `AES-GCM codec: key "${keyId}" must be 64 hexadecimal characters (32 bytes)`,
    );
  }
  return Uint8Array.from(Buffer.from(trimmed, "hex"));
}

export function checkKey(keyId: string, key: Uint8Array): void {
  if (keyId === "") {
    throw new Error("AES-GCM codec: a key id must not be empty");
  }
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `AES-GCM codec: key "${keyId}" must be ${KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}
