/** toHex: bytes as lowercase hexadecimal. Buffer does not exist in the workflow sandbox. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) {
    hex += byte.toString(16).padStart(2, "0");
  }
  return hex;
}
