/**
 * @provisio/codec-ts: Provisio's AES-256-GCM payload codec for the official
 * Temporal TypeScript SDK, its key ring, and the sealing primitives for bytes
 * that are not payloads. The byte format is documented in aes-gcm-codec.ts
 * and docs/payload-encryption.md; the C++ SDK's codec reads and writes the same.
 *
 *   const codec = AesGcmCodec.fromEnv(process.env);
 *   await Worker.create({ ..., dataConverter: { payloadCodecs: [codec] } });
 */
export * from "./aes-gcm-codec";
export * from "./aes-gcm";
export {
  KeyRing,
  KEY_BYTES,
  keyFromHex,
  ENV_KEY_ID,
  ENV_KEY_HEX,
  ENV_DECRYPT_ONLY_KEYS,
} from "./key-ring";
