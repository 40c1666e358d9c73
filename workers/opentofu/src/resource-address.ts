/**
 * Resource addresses as a plan request may name them (PlanInput.exclude,
 * passed to `tofu plan -exclude=ADDRESS`): a resource, a resource instance or
 * a module, optionally inside modules, as OpenTofu writes them:
 *
 *   local_file.index            data.aws_region.current
 *   aws_s3_object.page["home"]  module.site.aws_s3_bucket.this[0]
 *   module.site                 module.teams["a"].module.db
 *
 * Anything else (an option, a path, a blank) is refused before tofu runs.
 */

const NAME = "[A-Za-z_][A-Za-z0-9_-]*";
// An instance key: a number, or a string of printable characters other than
// the quote and the backslash (escapes are not accepted: no name needs them).
const KEY = '\\[(?:[0-9]+|"[^"\\\\\\x00-\\x1f\\x7f]*")\\]';
const MODULE_STEP = `module\\.${NAME}(?:${KEY})?`;
const RESOURCE = `(?:data\\.${NAME}|(?!data\\.|module\\.)${NAME})\\.${NAME}(?:${KEY})?`;
const ADDRESS = new RegExp(
  `^(?:${MODULE_STEP}\\.)*(?:${RESOURCE}|${MODULE_STEP})$`,
);

/** MAX_ADDRESS_LENGTH: the longest address accepted. */
export const MAX_ADDRESS_LENGTH = 1024;

/** isResourceAddress: whether `value` is a resource or module address (above). */
export function isResourceAddress(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= MAX_ADDRESS_LENGTH &&
    ADDRESS.test(value)
  );
}
