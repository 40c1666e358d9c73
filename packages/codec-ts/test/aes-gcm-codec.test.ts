// The AES-256-GCM codec, checked against the known-answer vector the C++ SDK's
// codec tests use too, so both implementations agree byte for byte.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Payload } from "@temporalio/common";
import { temporal } from "@temporalio/proto";
import { AesGcmCodec, encryptPayload, NONCE_BYTES, TAG_BYTES } from "../src";

const ProtoPayload = temporal.api.common.v1.Payload;

// Known-answer vector: key = 0x00..0x1f, nonce = 0x00..0x0b,
// plaintext = Payload{metadata {encoding: "json/plain"}, data: "\"hello\""}.
const KEY_ID = "test-key-1";
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const NONCE = Buffer.from(Array.from({ length: 12 }, (_, i) => i));
const PLAIN_PAYLOAD: Payload = {
  metadata: { encoding: Buffer.from("json/plain") },
  data: Buffer.from('"hello"'),
};
const PLAIN_SERIALIZED_HEX =
  "0a160a08656e636f64696e67120a6a736f6e2f706c61696e12072268656c6c6f22";
const ENCRYPTED_DATA_HEX =
  "000102030405060708090a0b" +
  "4d14dc13a08ba174e928f9eca3e3121eecb8a8449c1a36122a60c7ed78056cdd233e4fbc54257ed240" +
  "000e7081621c3c45";

function codecWith(keyId: string, key: Uint8Array): AesGcmCodec {
  return new AesGcmCodec({ keyId, keys: new Map([[keyId, key]]) });
}

function knownAnswerPayload(): Payload {
  return {
    metadata: {
      encoding: Buffer.from("binary/encrypted"),
      "encryption-cipher": Buffer.from("AES256-GCM"),
      "encryption-key-id": Buffer.from(KEY_ID),
    },
    data: Buffer.from(ENCRYPTED_DATA_HEX, "hex"),
  };
}

function hex(bytes: Uint8Array | null | undefined): string {
  return Buffer.from(bytes ?? []).toString("hex");
}

function metadataText(payload: Payload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [
      name,
      Buffer.from(value).toString("utf8"),
    ]),
  );
}

test("the plaintext payload serializes to the vector's bytes", () => {
  assert.equal(
    hex(ProtoPayload.encode(PLAIN_PAYLOAD).finish()),
    PLAIN_SERIALIZED_HEX,
  );
});

test("decode of the known-answer vector gives exactly the original payload", async () => {
  const [decoded] = await codecWith(KEY_ID, KEY).decode([knownAnswerPayload()]);
  assert.deepEqual(metadataText(decoded), { encoding: "json/plain" });
  assert.equal(hex(decoded.data), hex(PLAIN_PAYLOAD.data));
  assert.equal(
    hex(ProtoPayload.encode(decoded).finish()),
    PLAIN_SERIALIZED_HEX,
  );
});

test("encrypt with the vector's fixed nonce gives exactly the vector's bytes", () => {
  const encoded = encryptPayload(PLAIN_PAYLOAD, KEY_ID, KEY, NONCE);
  assert.equal(hex(encoded.data), ENCRYPTED_DATA_HEX);
  assert.deepEqual(metadataText(encoded), {
    encoding: "binary/encrypted",
    "encryption-cipher": "AES256-GCM",
    "encryption-key-id": KEY_ID,
  });
});

test("encode then decode round-trips payloads of every kind", async () => {
  const codec = codecWith(KEY_ID, KEY);
  const originals: Payload[] = [
    PLAIN_PAYLOAD,
    { metadata: { encoding: Buffer.from("binary/null") } },
    {
      metadata: { encoding: Buffer.from("binary/plain") },
      data: Buffer.from("deadbeef", "hex"),
    },
    {
      metadata: {
        encoding: Buffer.from("json/plain"),
        "custom-header": Buffer.from([0, 255, 1]),
      },
      data: Buffer.from(JSON.stringify({ big: "x".repeat(100_000) })),
    },
  ];
  const encoded = await codec.encode(originals);
  assert.equal(encoded.length, originals.length);
  for (const payload of encoded) {
    assert.equal(metadataText(payload).encoding, "binary/encrypted");
  }
  const decoded = await codec.decode(encoded);
  assert.equal(decoded.length, originals.length);
  decoded.forEach((payload, i) => {
    assert.equal(
      hex(ProtoPayload.encode(payload).finish()),
      hex(ProtoPayload.encode(originals[i]).finish()),
    );
  });
});

test("each encode draws a fresh random nonce", async () => {
  const codec = codecWith(KEY_ID, KEY);
  const [first, second] = await codec.encode([PLAIN_PAYLOAD, PLAIN_PAYLOAD]);
  const [third] = await codec.encode([PLAIN_PAYLOAD]);
  const nonces = [first, second, third].map((p) =>
    hex(p.data!.subarray(0, NONCE_BYTES)),
  );
  assert.equal(new Set(nonces).size, 3);
  assert.notEqual(hex(first.data), hex(second.data));
  assert.equal(
    first.data!.length,
    NONCE_BYTES + PLAIN_SERIALIZED_HEX.length / 2 + TAG_BYTES,
  );
});

test("decode leaves payloads that are not binary/encrypted unchanged", async () => {
  const plain: Payload[] = [
    PLAIN_PAYLOAD,
    { metadata: { encoding: Buffer.from("binary/null") } },
    { metadata: {}, data: Buffer.from("no encoding at all") },
  ];
  const decoded = await codecWith(KEY_ID, KEY).decode(plain);
  decoded.forEach((payload, i) => assert.equal(payload, plain[i]));
});

test("decode with an unknown key id fails and names the key id", async () => {
  const codec = codecWith("another-key", KEY);
  await assert.rejects(codec.decode([knownAnswerPayload()]), {
    message: /unknown encryption key id "test-key-1"/,
  });
});

test("decode with the wrong key under the right id fails authentication", async () => {
  const wrongKey = Buffer.from(KEY);
  wrongKey[0] ^= 0x01;
  await assert.rejects(
    codecWith(KEY_ID, wrongKey).decode([knownAnswerPayload()]),
    {
      message: /authentication failed/,
    },
  );
});

test("decode of data with any one byte flipped fails authentication", async () => {
  const codec = codecWith(KEY_ID, KEY);
  const length = ENCRYPTED_DATA_HEX.length / 2;
  // A byte of the nonce, of the ciphertext, and of the tag.
  for (const index of [0, NONCE_BYTES + 3, length - 1]) {
    const tampered = knownAnswerPayload();
    tampered.data![index] ^= 0x80;
    await assert.rejects(codec.decode([tampered]), {
      message: /authentication failed/,
    });
  }
});

test("decode of truncated data fails before decrypting", async () => {
  const truncated = knownAnswerPayload();
  truncated.data = truncated.data!.subarray(0, NONCE_BYTES + TAG_BYTES - 1);
  await assert.rejects(codecWith(KEY_ID, KEY).decode([truncated]), {
    message: /shorter than nonce and tag/,
  });
});

test("decode of an unknown cipher fails and names it", async () => {
  const other = knownAnswerPayload();
  other.metadata!["encryption-cipher"] = Buffer.from("AES128-CBC");
  await assert.rejects(codecWith(KEY_ID, KEY).decode([other]), {
    message: /unsupported encryption cipher "AES128-CBC"/,
  });
});

test("a key that is not 32 bytes is refused", () => {
  assert.throws(() => codecWith(KEY_ID, KEY.subarray(0, 16)), {
    message: /must be 32 bytes, got 16/,
  });
  assert.throws(() => AesGcmCodec.fromHexKey(KEY_ID, "abcd"), {
    message: /64 hexadecimal characters/,
  });
});

test("a codec built from a hex key reads the known-answer vector", async () => {
  const codec = AesGcmCodec.fromHexKey(KEY_ID, KEY.toString("hex"));
  const [decoded] = await codec.decode([knownAnswerPayload()]);
  assert.equal(hex(decoded.data), hex(PLAIN_PAYLOAD.data));
});
