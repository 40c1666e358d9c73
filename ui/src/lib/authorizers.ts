// The request form's named authorizers: the users GET
// /api/templates/{name}/authorizers offers (holders of one of the template's
// approval roles, the requester left out unless the template allows
// self-approval), chosen in as many selects as the policy needs decisions.
// The API checks the names again (400 with field "approvers").
import type { Authorizer } from "./types";

/** authorizerLabel is how an authorizer is offered: "Bob Approver (bob)". */
export function authorizerLabel(authorizer: Authorizer): string {
  return authorizer.displayName && authorizer.displayName !== authorizer.user
    ? `${authorizer.displayName} (${authorizer.user})`
    : authorizer.user;
}

/**
 * approverChoices lists what the select of `slot` offers: every authorizer
 * not already chosen in another select, so one person cannot be named twice.
 */
export function approverChoices(
  available: Authorizer[],
  chosen: string[],
  slot: number,
): Authorizer[] {
  const elsewhere = new Set(
    chosen.filter((user, index) => index !== slot && user !== ""),
  );
  return available.filter((authorizer) => !elsewhere.has(authorizer.user));
}

/**
 * keepChosen makes the list of choices for `count` selects when the
 * authorizers on offer change (another template): a name still on offer
 * stays in its select, every other select starts empty.
 */
export function keepChosen(
  chosen: string[],
  available: Authorizer[],
  count: number,
): string[] {
  const offered = new Set(available.map((authorizer) => authorizer.user));
  return Array.from({ length: Math.max(1, count) }, (_, index) => {
    const user = chosen[index] ?? "";
    return offered.has(user) && chosen.indexOf(user) === index ? user : "";
  });
}

/**
 * whyNoAuthorizers says why nobody can be named for a template, or "" when
 * enough users hold its roles: the form shows it and offers no submit.
 */
export function whyNoAuthorizers(
  available: Authorizer[],
  count: number,
  roles: string[],
): string {
  const needed = Math.max(1, count);
  const role = `the role ${roles.join(" or ")}`;
  if (available.length === 0)
    return `Nobody may authorize this template yet (it needs someone with ${role}). Ask an admin.`;
  if (available.length < needed)
    return `This template needs ${needed} authorizers, but only ${available.length} ${
      available.length === 1 ? "person" : "people"
    } with ${role} may decide your request. Ask an admin.`;
  return "";
}

/** checkApprovers answers what is wrong with the choices, in words, or "" when they fit. */
export function checkApprovers(chosen: string[], count: number): string {
  const needed = Math.max(1, count);
  const named = chosen.filter((user) => user !== "");
  if (named.length < needed)
    return needed === 1
      ? "Choose who authorizes this request."
      : `Choose ${needed} authorizers: this template needs ${needed} decisions.`;
  if (new Set(named).size !== named.length)
    return "Choose different people: each authorizer decides once.";
  return "";
}

/** approversOf is the request's `approvers`: the names chosen, in order. */
export function approversOf(chosen: string[]): string[] {
  return chosen.filter((user) => user !== "");
}
