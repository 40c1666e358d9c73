// provisioning/activities/validate_request.h: the request's check against
// its template (a local activity of ProvisionApplication).
#pragma once

#include "activities/activity_environment.h"
#include "model/provision_request.h"

namespace provisio::activities {

/// ValidateRequest reads templates/NAME/template.yaml and checks the request:
/// names (template, application), parameters (declared by the template, none
/// of the platform's provisio_ ones), and the approval policy (the request
/// may narrow the template's, never widen it). A bad request is a
/// non-retryable ApplicationFailure of type "InvalidRequest" whose message
/// names the field.
model::ValidatedRequest ValidateRequest(const ActivityEnvironment& environment,
                                        const model::ProvisionRequest& request);

}  // namespace provisio::activities
