// The regions and profiles an authorizer chooses from: the template's
// `placement` when it declares one (the workflow's validator refuses any
// other), else the deployment's usual choices below; `emulator` is the profile
// that points the AWS provider at moto (docs/iac.md).
import type { Template } from "./types";

export const regions = [
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-2",
];
export const profiles = ["emulator"];
export const defaultRegion = "us-east-1";
export const defaultProfile = "emulator";

/** choicesFor is the lists offered for `template` (null: not loaded yet). */
export function choicesFor(template: Template | null): {
  regions: string[];
  profiles: string[];
} {
  return {
    regions: template?.placement?.regions?.length
      ? template.placement.regions
      : regions,
    profiles: template?.placement?.profiles?.length
      ? template.placement.profiles
      : profiles,
  };
}
