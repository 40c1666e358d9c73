// The sealing primitives for bytes that are not payloads: the same box as
// the codec's payload data, so the known-answer vector applies to them too.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isSealedText,
  KeyRing,
  open,
  openText,
  openWithRing,
  seal,
  sealText,
  sealWithRing,
} from "../src";

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const NONCE = Buffer.from(Array.from({ length: 12 }, (_, i) => i));
// The serialized payload of the codec's known-answer vector, and its box.
const PLAINTEXT_HEX =
  "0a160a08656e636f64696e67120a6a736f6e2f706c61696e12072268656c6c6f22";
const SEALED_HEX =
  "000102030405060708090a0b" +
  "4d14dc13a08ba174e928f9eca3e3121eecb8a8449c1a36122a60c7ed78056cdd233e4fbc54257ed240" +
  "000e7081621c3c45";

test("seal with the vector's nonce gives the codec's known-answer bytes", () => {
  const sealed = seal(Buffer.from(PLAINTEXT_HEX, "hex"), "k", KEY, NONCE);
  assert.equal(sealed.toString("hex"), SEALED_HEX);
  assert.equal(
    open(Buffer.from(SEALED_HEX, "hex"), "k", KEY).toString("hex"),
    PLAINTEXT_HEX,
  );
});

test("a ring seals with its current key and opens with the named one", () => {
  const old = KeyRing.fromHex("old", "11".repeat(32));
  const sealed = sealWithRing(old, Buffer.from("plan bytes"));
  assert.equal(sealed.keyId, "old");
  const rotated = old.rotatedTo("new", Buffer.alloc(32, 7));
  assert.equal(
    openWithRing(rotated, sealed.keyId, sealed.data).toString(),
    "plan bytes",
  );
  assert.throws(() => openWithRing(rotated, "gone", sealed.data), {
    message: /unknown encryption key id "gone"/,
  });
  const tampered = Buffer.from(sealed.data);
  tampered[15] ^= 1;
  assert.throws(() => openWithRing(rotated, "old", tampered), {
    message: /authentication failed/,
  });
});

test("sealed text round-trips and never contains the plaintext", () => {
  const ring = KeyRing.fromHex("key:with:colons", "11".repeat(32));
  const secret = "s3cr3t-password-value";
  const sealed = sealText(ring, secret);
  assert.ok(isSealedText(sealed));
  assert.ok(!sealed.includes(secret));
  assert.notEqual(sealText(ring, secret), sealed); // a fresh nonce each time
  assert.equal(openText(ring, sealed), secret);
  assert.ok(!isSealedText(secret));
  assert.throws(() => openText(ring, secret), { message: /must start with/ });
});
