// isResourceAddress: the addresses PlanInput.exclude accepts, and what it
// refuses before tofu would see it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isResourceAddress } from "../src/resource-address";

test("resource, instance, data and module addresses are accepted", () => {
  for (const address of [
    "local_file.index",
    "aws_s3_object.page[0]",
    'aws_s3_object.page["home page"]',
    "data.aws_region.current",
    "module.site",
    'module.teams["a"].module.db',
    "module.site.aws_s3_bucket.this[0]",
    "module.site[2].data.local_file.src",
    "terraform_data.pace_1",
    "my-provider_thing.a-b",
  ]) {
    assert.ok(isResourceAddress(address), address);
  }
});

test("options, bare types, paths, blanks and broken keys are refused", () => {
  for (const value of [
    "",
    "-destroy",
    "-exclude=local_file.index",
    "local_file",
    "local_file.",
    ".index",
    "local_file.index.extra",
    "data.aws_region",
    "module.site.extra",
    "module",
    "local_file.index; rm -rf /",
    "local_file.index ",
    "local_file.index[a]",
    'local_file.index["a"b"]',
    'local_file.index["a\\"]',
    'local_file.index["new\nline"]',
    "../etc/passwd",
    "1file.index",
    `local_file.${"x".repeat(1100)}`,
    42,
    null,
    ["local_file.index"],
  ]) {
    assert.ok(!isResourceAddress(value), JSON.stringify(value));
  }
});
