// temporal-replay: replays history files against the SDK's sample workflows.
//
//   temporal-replay [--workflow-id ID] FILE...
//
// It knows only the workflows compiled into it (sample_workflows.h). To check
// your own workflows, build the same few lines with your registrations; see
// temporal/worker/replay_cli.h.
#include "sample_workflows.h"
#include "temporal/worker/replay_cli.h"

int main(int argc, char** argv) {
  temporal::Replayer replayer;
  temporal::samples::RegisterSampleWorkflows(replayer);
  return temporal::RunReplayCli(argc, argv, replayer);
}
