// The interop worker's codec is packages/codec-ts (a file: dependency): it
// is configured from the same environment as the worker and the C++ tests,
// and reads the known-answer vector the C++ SDK's codec tests use.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AesGcmCodec } from "@provisio/codec-ts";

const KEY_HEX =
  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const ENCRYPTED_DATA_HEX =
  "000102030405060708090a0b" +
  "4d14dc13a08ba174e928f9eca3e3121eecb8a8449c1a36122a60c7ed78056cdd233e4fbc54257ed240" +
  "000e7081621c3c45";

test("the packaged codec, configured from the environment, reads the C++ known-answer vector", async () => {
  const codec = AesGcmCodec.fromEnv({
    PROVISIO_CODEC_KEY_ID: "rotated-in",
    PROVISIO_CODEC_KEY_HEX: "ff".repeat(32),
    PROVISIO_CODEC_DECRYPT_ONLY_KEYS: `test-key-1=${KEY_HEX}`,
  });
  const [decoded] = await codec.decode([
    {
      metadata: {
        encoding: Buffer.from("binary/encrypted"),
        "encryption-cipher": Buffer.from("AES256-GCM"),
        "encryption-key-id": Buffer.from("test-key-1"),
      },
      data: Buffer.from(ENCRYPTED_DATA_HEX, "hex"),
    },
  ]);
  assert.equal(Buffer.from(decoded.data!).toString(), '"hello"');
  const [encoded] = await codec.encode([decoded]);
  assert.equal(
    Buffer.from(encoded.metadata!["encryption-key-id"]!).toString(),
    "rotated-in",
  );
});
