// Reading an object back from the moto S3 server, signed as the emulator
// profile's credentials, with boto3 from the project's venv (where
// scripts/setup installed moto[server]): moto refuses anonymous reads.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import os from "node:os";
import path from "node:path";

const venv = path.join(
  process.env.PROVISIO_CACHE ?? path.join(os.homedir(), ".cache/provisio"),
  "venv",
);

/** readS3Object answers the object's body as text; rejects when it is not there. */
export async function readS3Object(endpoint, bucket, key) {
  const script = [
    "import sys, boto3",
    "s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',",
    "                  aws_access_key_id='testing', aws_secret_access_key='testing')",
    "sys.stdout.write(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])['Body'].read().decode())",
  ].join("\n");
  const { stdout } = await promisify(execFile)(path.join(venv, "bin/python"), [
    "-c",
    script,
    endpoint,
    bucket,
    key,
  ]);
  return stdout;
}
