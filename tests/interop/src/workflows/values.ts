// Workflows that show the C++ side what the TypeScript default payload
// converter makes of its payloads: undefined <-> binary/null,
// Uint8Array <-> binary/plain, everything else <-> json/plain.
import { toHex } from "./hex";

/** The kinds describeValue reports, one per shape the default converter yields. */
export type ValueKind =
  | "undefined"
  | "null"
  | "bytes"
  | "string"
  | "number"
  | "boolean"
  | "array"
  | "object";

/** ValueDescription: what describeValue saw. */
export interface ValueDescription {
  kind: ValueKind;
  /** For bytes: the bytes in lowercase hexadecimal. */
  hex?: string;
  /** For everything but bytes and undefined: JSON.stringify of the value. */
  json?: string;
}

/** echoValue returns its argument unchanged, so the C++ side can check a round trip. */
export async function echoValue(value: unknown): Promise<unknown> {
  return value;
}

/** describeValue reports what the TypeScript SDK decoded its argument to. */
export async function describeValue(value: unknown): Promise<ValueDescription> {
  if (value === undefined) {
    return { kind: "undefined" };
  }
  if (value === null) {
    return { kind: "null", json: "null" };
  }
  // Realm-independent: the converter's Uint8Array need not share our global's prototype.
  if (Object.prototype.toString.call(value) === "[object Uint8Array]") {
    return { kind: "bytes", hex: toHex(value as Uint8Array) };
  }
  const json = JSON.stringify(value);
  if (Array.isArray(value)) {
    return { kind: "array", json };
  }
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "object":
      return { kind: typeof value as ValueKind, json };
    default:
      throw new Error(`describeValue: unexpected decoded type ${typeof value}`);
  }
}
