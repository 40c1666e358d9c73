// The regions and profiles an authorizer chooses from. The API has no route
// listing them yet, so the deployment's choices are named here; `emulator` is
// the profile that points the AWS provider at moto (docs/iac.md).
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
