import { describe, expect, it } from "vitest";
import {
  webLink,
  changeKind,
  countChanges,
  isUnknown,
  showValue,
  statefulLosses,
} from "./plan";

describe("changeKind", () => {
  it("names OpenTofu's action lists", () => {
    expect(changeKind(["create"])).toBe("create");
    expect(changeKind(["update"])).toBe("update");
    expect(changeKind(["delete", "create"])).toBe("replace");
    expect(changeKind(["create", "delete"])).toBe("replace");
    expect(changeKind(["delete"])).toBe("delete");
    expect(changeKind(["no-op"])).toBe("no-op");
  });
});

describe("statefulLosses", () => {
  const plan = [
    { address: "s3_bucket.site", actions: ["delete", "create"], changed: [] },
    { address: "s3_object.index", actions: ["delete"], changed: [] },
    {
      address: "module.db.pg_database.main[0]",
      actions: ["delete"],
      changed: [],
    },
    { address: "s3_bucket.logs", actions: ["update"], changed: [] },
  ];

  it("lists stateful resources deleted or replaced, not updated ones", () => {
    expect(statefulLosses(plan, ["s3_bucket.site", "s3_bucket.logs"])).toEqual([
      "s3_bucket.site",
    ]);
  });

  it("matches resources inside modules and with an index", () => {
    expect(statefulLosses(plan, ["pg_database.main"])).toEqual([
      "module.db.pg_database.main[0]",
    ]);
  });

  it("counts each kind", () => {
    expect(countChanges(plan)).toEqual({
      create: 0,
      update: 1,
      replace: 1,
      delete: 2,
    });
  });
});

describe("showValue", () => {
  it("renders values for people and hides sensitive ones", () => {
    expect(showValue("a")).toBe("a");
    expect(showValue({ a: 1 })).toBe('{"a":1}');
    expect(showValue(undefined)).toBe("(known after apply)");
    expect(showValue("secret", true)).toBe("(sensitive)");
  });
});

describe("isUnknown", () => {
  it("knows the API's word for a value known only after apply", () => {
    expect(isUnknown("(known after apply)")).toBe(true);
    expect(isUnknown(undefined)).toBe(true);
    expect(isUnknown("0644")).toBe(false);
    expect(isUnknown(null)).toBe(false);
  });
});

describe("webLink", () => {
  it("links http and https addresses only", () => {
    expect(webLink("http://127.0.0.1:5000/site/index.html")).toBe(
      "http://127.0.0.1:5000/site/index.html",
    );
    expect(webLink("https://site.s3.eu-west-1.amazonaws.com/index.html")).toBe(
      "https://site.s3.eu-west-1.amazonaws.com/index.html",
    );
    expect(webLink("javascript:alert(1)")).toBeUndefined();
    expect(webLink("data:text/html,hi")).toBeUndefined();
    expect(webLink("my-bucket")).toBeUndefined();
    expect(webLink(42)).toBeUndefined();
  });
});
