/**
 * The provider activities of the ProvisionApplication workflow, on the task
 * queue "provision-application-resources". They are the demo's
 * provisioning_aws worker (src/automation/index.ts) with the local provider
 * (./local-provider.ts) in place of Pulumi on AWS. The property names are the
 * activity type names the C++ workflow schedules:
 *
 *   provisionFoundationResources(request) -> response   heartbeats its progress
 *   destroyFoundationResources(response)                 removes what exists
 *
 * The request and response shapes are the demo's.
 */
import { ApplicationFailure, Context, log } from "@temporalio/activity";
import {
  isSafeName,
  LocalCloud,
  LocalResource,
  Manifest,
} from "./local-provider";

/** ProvisionFoundationResourcesRequest: what the workflow asks for. */
export interface ProvisionFoundationResourcesRequest {
  applicationId: string;
  region: string;
  profile: string;
  bucketName: string;
  teamId: string;
  applicationName: string;
}

/** ProvisionFoundationResourcesResponse: what was provisioned. */
export interface ProvisionFoundationResourcesResponse {
  applicationId: string;
  summary: string[];
  completionDateTime: string;
  region: string;
}

/** ProvisioningProgress is the heartbeat detail: where provisioning is. */
export interface ProvisioningProgress {
  step: string;
  completed: number;
  total: number;
}

/** The failure type the workflow's retry policy never retries. */
export const INVALID_REQUEST = "InvalidProvisioningRequest";

interface Step {
  name: string;
  run(): Promise<void>;
}

/**
 * createActivities returns the activities bound to `cloud`. `stepMs` is how
 * long each resource takes to "become ready": a real cloud takes seconds,
 * which is what makes heartbeats and cancellation observable.
 */
export function createActivities(cloud: LocalCloud, stepMs: number) {
  return {
    async provisionFoundationResources(
      request: ProvisionFoundationResourcesRequest,
    ): Promise<ProvisionFoundationResourcesResponse> {
      const context = Context.current();
      validate(request);
      const previous = context.info.heartbeatDetails as
        ProvisioningProgress | undefined;
      log.info("provisioning resources", {
        applicationId: request.applicationId,
        attempt: context.info.attempt,
        resumingAfter: previous,
      });

      const summary: string[] = [];
      const resources: LocalResource[] = [];
      const steps: Step[] = [
        {
          // Pulumi refreshes before it updates ("idempotency!" in the demo):
          // read what exists, so a retried attempt reports it.
          name: "refresh",
          run: async () => {
            const existing = await cloud.readManifest(request.applicationId);
            summary.push(
              existing
                ? `~ refresh: ${existing.resources.length} resources exist`
                : "~ refresh: no resources yet",
            );
          },
        },
        {
          name: `bucket ${request.bucketName}`,
          run: async () => {
            const bucket = await cloud.createBucket(
              request.applicationId,
              request.bucketName,
            );
            resources.push({
              type: "local:bucket",
              name: request.bucketName,
              path: bucket,
            });
            summary.push(`+ local:bucket ${request.bucketName} created`);
          },
        },
        {
          name: "object index.html",
          run: async () => {
            const object = await cloud.putObject(
              request.applicationId,
              request.bucketName,
              "index.html",
              indexPage(request.applicationName),
            );
            resources.push({
              type: "local:object",
              name: "index.html",
              path: object,
            });
            summary.push(
              `+ local:object ${request.bucketName}/index.html created`,
            );
          },
        },
        {
          name: "manifest",
          run: async () => {
            const manifest: Manifest = {
              applicationId: request.applicationId,
              applicationName: request.applicationName,
              teamId: request.teamId,
              region: request.region,
              profile: request.profile,
              bucketName: request.bucketName,
              resources,
              createdAt: new Date().toISOString(),
            };
            await cloud.writeManifest(manifest);
            summary.push(`resources: ${resources.length} created`);
          },
        },
      ];

      let progress: ProvisioningProgress = {
        step: "starting",
        completed: 0,
        total: steps.length,
      };
      context.heartbeat(progress);
      // As the demo does, heartbeat at half the heartbeat timeout even while a
      // step is slow; the SDK sends at most one heartbeat per throttle interval.
      const heartbeats = setInterval(
        () => context.heartbeat(progress),
        Math.max((context.info.heartbeatTimeoutMs ?? 10_000) / 2, 500),
      );
      try {
        for (const [index, step] of steps.entries()) {
          progress = { step: step.name, completed: index, total: steps.length };
          context.heartbeat(progress);
          await step.run();
          // Wait for the resource to be "ready". Throws CancelledFailure when
          // the workflow cancels (learned from a heartbeat response): the
          // attempt then ends as cancelled, after its last step finished.
          await context.sleep(stepMs);
        }
        progress = {
          step: "done",
          completed: steps.length,
          total: steps.length,
        };
        context.heartbeat(progress);
      } finally {
        clearInterval(heartbeats);
      }
      log.info("resources provisioned", {
        applicationId: request.applicationId,
        summary,
      });
      return {
        applicationId: request.applicationId,
        summary,
        completionDateTime: new Date().toUTCString(),
        region: request.region,
      };
    },

    async destroyFoundationResources(
      resources: ProvisionFoundationResourcesResponse,
    ): Promise<void> {
      if (!isSafeName(resources.applicationId ?? "")) {
        throw ApplicationFailure.nonRetryable(
          `cannot destroy: unsafe application id ${JSON.stringify(resources.applicationId)}`,
          INVALID_REQUEST,
        );
      }
      Context.current().heartbeat({ step: "destroy", completed: 0, total: 1 });
      await cloud.destroyApplication(resources.applicationId);
      log.info("resources destroyed", {
        applicationId: resources.applicationId,
      });
    },
  };
}

function validate(request: ProvisionFoundationResourcesRequest): void {
  if (!request.region || !request.profile) {
    // The demo throws a plain Error here, which is retried forever.
    throw ApplicationFailure.nonRetryable(
      "region and profile is required",
      INVALID_REQUEST,
    );
  }
  for (const [field, value] of [
    ["applicationId", request.applicationId],
    ["bucketName", request.bucketName],
  ] as const) {
    if (!isSafeName(value ?? "")) {
      throw ApplicationFailure.nonRetryable(
        `${field} ${JSON.stringify(value)} cannot name a local resource`,
        INVALID_REQUEST,
      );
    }
  }
}

// The demo's page, without Pulumi's credit line.
function indexPage(applicationName: string): string {
  const escaped = applicationName.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c,
  );
  return `<html><head>
<title>Hello S3</title><meta charset="UTF-8">
</head>
<body><p>Hello, ${escaped}!</p></body></html>
`;
}
