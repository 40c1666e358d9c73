// provisioning/activities/enqueue_apply.h: a request's way into its stack's
// queue (workflows cannot send updates; activities can).
#pragma once

#include "activities/activity_environment.h"
#include "model/stack.h"

namespace provisio::activities {

/// EnqueueApply sends update-with-start "EnqueueApply" to the stack's entity
/// (starting it when it does not run), with update id = the request id, so a
/// retried activity gets the first outcome, and waits for the update's result.
model::EnqueueApplyResult EnqueueApply(const ActivityEnvironment& environment,
                                       const model::EnqueueApplyInput& input);

}  // namespace provisio::activities
