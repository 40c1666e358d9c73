// The key ring: several keys by id, one current, as in the C++ codec.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Payload } from "@temporalio/common";
import { AesGcmCodec, KeyRing } from "../src";

const OLD_HEX = "11".repeat(32);
const NEW_HEX = "22".repeat(32);

function payload(text: string): Payload {
  return {
    metadata: { encoding: Buffer.from("json/plain") },
    data: Buffer.from(JSON.stringify(text)),
  };
}

function keyIdOf(encoded: Payload): string {
  return Buffer.from(encoded.metadata!["encryption-key-id"]!).toString("utf8");
}

test("encode uses the current key and decode reads every key of the ring", async () => {
  const before = new AesGcmCodec(KeyRing.fromHex("old", OLD_HEX));
  const [sealedWithOld] = await before.encode([payload("kept")]);
  assert.equal(keyIdOf(sealedWithOld), "old");

  const after = new AesGcmCodec(
    KeyRing.fromHex("new", NEW_HEX, { old: OLD_HEX }),
  );
  const [sealedWithNew] = await after.encode([payload("fresh")]);
  assert.equal(keyIdOf(sealedWithNew), "new");
  const decoded = await after.decode([sealedWithOld, sealedWithNew]);
  assert.deepEqual(
    decoded.map((p) => Buffer.from(p.data!).toString()),
    ['"kept"', '"fresh"'],
  );
  // The old ring does not know the new key.
  await assert.rejects(before.decode([sealedWithNew]), {
    message: /unknown encryption key id "new"/,
  });
});

test("rotatedTo makes a new key current and keeps the old ones decrypt-only", async () => {
  const ring = KeyRing.fromHex("old", OLD_HEX);
  const rotated = ring.rotatedTo("new", Buffer.from(NEW_HEX, "hex"));
  assert.equal(rotated.currentKeyId, "new");
  assert.deepEqual(rotated.keyIds(), ["new", "old"]);
  const [sealed] = await new AesGcmCodec(ring).encode([payload("x")]);
  const [decoded] = await new AesGcmCodec(rotated).decode([sealed]);
  assert.equal(Buffer.from(decoded.data!).toString(), '"x"');
});

test("fromEnv reads the current key and the decrypt-only list", () => {
  const ring = KeyRing.fromEnv({
    PROVISIO_CODEC_KEY_ID: "k2",
    PROVISIO_CODEC_KEY_HEX: NEW_HEX,
    PROVISIO_CODEC_DECRYPT_ONLY_KEYS: ` k1=${OLD_HEX} , k0=${"33".repeat(32)}`,
  });
  assert.equal(ring.currentKeyId, "k2");
  assert.deepEqual(ring.keyIds(), ["k2", "k1", "k0"]);
  assert.equal(Buffer.from(ring.key("k1")!).toString("hex"), OLD_HEX);
});

test("fromEnv names the variable that is missing or malformed", () => {
  assert.throws(() => KeyRing.fromEnv({ PROVISIO_CODEC_KEY_HEX: NEW_HEX }), {
    message: /PROVISIO_CODEC_KEY_ID must be set/,
  });
  assert.throws(() => KeyRing.fromEnv({ PROVISIO_CODEC_KEY_ID: "k" }), {
    message: /PROVISIO_CODEC_KEY_HEX must be set/,
  });
  assert.throws(
    () =>
      KeyRing.fromEnv({
        PROVISIO_CODEC_KEY_ID: "k",
        PROVISIO_CODEC_KEY_HEX: NEW_HEX,
        PROVISIO_CODEC_DECRYPT_ONLY_KEYS: "nohex",
      }),
    { message: /PROVISIO_CODEC_DECRYPT_ONLY_KEYS/ },
  );
});

test("a ring refuses an empty id, a short key and a duplicated id", () => {
  assert.throws(() => KeyRing.fromHex("", NEW_HEX), { message: /empty/ });
  assert.throws(
    () => new KeyRing({ id: "k", key: new Uint8Array(16) }),
    /must be 32 bytes, got 16/,
  );
  assert.throws(() => KeyRing.fromHex("k", NEW_HEX, { k: OLD_HEX }), {
    message: /both current and decrypt-only/,
  });
});
