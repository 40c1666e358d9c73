// The request form's body for POST /api/applications: what the user chose,
// with the optional parts left out when left empty (the template's or the
// platform's defaults then apply).
import { approversOf } from "./authorizers";
import type { CreateApplicationInput } from "./types";

/** RequestChoices: the form's values, as the fields hold them. */
export interface RequestChoices {
  team: string;
  application: string;
  template: string;
  /** parameters: already typed (lib/parameters.ts, parametersOf). */
  parameters: Record<string, unknown>;
  /** chosenApprovers: one entry per authorizer select, "" where none is chosen. */
  chosenApprovers: string[];
  /** waitSeconds: the "wait for a decision" field, "" for the template's deadline. */
  waitSeconds: string;
  /** onFailure: "" for the platform's default, else "intervene" or "rollback". */
  onFailure: string;
  /** applyAttempts: "" for the platform's default, else a count. */
  applyAttempts: string;
}

/** requestInputOf builds the body of POST /api/applications from the form's choices. */
export function requestInputOf(
  choices: RequestChoices,
): CreateApplicationInput {
  const approvers = approversOf(choices.chosenApprovers);
  return {
    team: choices.team,
    application: choices.application,
    template: choices.template,
    parameters: choices.parameters,
    ...(approvers.length ? { approvers } : {}),
    ...(choices.waitSeconds
      ? { authorizationTimeoutSeconds: Number(choices.waitSeconds) }
      : {}),
    ...(choices.onFailure || choices.applyAttempts
      ? {
          failurePolicy: {
            onFailure: choices.onFailure || "intervene",
            ...(choices.applyAttempts
              ? { applyAttempts: Number(choices.applyAttempts) }
              : {}),
          },
        }
      : {}),
  };
}
