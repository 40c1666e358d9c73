#include "drill.h"

#include <openssl/rand.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "model/stack.h"

namespace provisio_drill {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using provisio::model::ProvisionRequest;
using provisio::model::RequestState;
using Clock = std::chrono::steady_clock;

constexpr int kFiles = 10;
constexpr char kTemplate[] = "drill-chain";
// Seconds each pacer sleeps: long enough to poll the files between two
// resources (every 20 ms) on two loaded cores, short enough to keep a drill
// within seconds.
constexpr double kPaceSeconds = 0.25;

std::string NewStackName() {
  unsigned char bytes[4];
  RAND_bytes(bytes, sizeof bytes);
  std::string name = "drill-";
  for (unsigned char c : bytes) {
    name += "0123456789abcdef"[c >> 4];
    name += "0123456789abcdef"[c & 15];
  }
  return name;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::string FileContent(const std::string& stack, int index, const std::string& generation) {
  return "file " + std::to_string(index) + " of " + stack + ", generation " + generation + "\n";
}

// The object drill-chain keeps in the stack's bucket in moto.
constexpr char kGenerationKey[] = "generation.txt";
std::string ObjectContent(const std::string& stack, const std::string& generation) {
  return "generation " + generation + " of " + stack + "\n";
}

// A drill's course: the request(s) it made, what it saw and what went wrong.
class Drill {
 public:
  Drill(DrillEnvironment& environment, const std::string& stack)
      : env_(environment), stack_(stack.empty() ? NewStackName() : stack), started_(Clock::now()) {
    outcome_.stack = stack_;
  }

  const std::string& stack() const { return stack_; }
  DrillOutcome& outcome() { return outcome_; }

  void Problem(const std::string& what) { outcome_.problems.push_back(what); }

  // Mark notes how long the drill took to reach `what` (where the time goes).
  void Mark(const std::string& what) {
    char text[64];
    std::snprintf(text, sizeof text, "%s %.1f", what.c_str(),
                  std::chrono::duration<double>(Clock::now() - started_).count());
    timeline_ += (timeline_.empty() ? "" : ", ") + std::string(text);
  }

  temporal::WorkflowHandle Start(const std::string& workflow_id, const std::string& generation,
                                 bool fail_at_end) {
    ProvisionRequest request;
    request.requester = "alice";
    request.team = "payments";
    request.application = stack_;
    request.template_name = kTemplate;
    request.parameters = {{"generation", generation}, {"pace_seconds", kPaceSeconds}};
    if (fail_at_end) {
      request.parameters["fail_at_end"] = true;
      provisio::model::FailurePolicy policy;
      policy.on_failure = "rollback";
      policy.apply_attempts = 1;
      request.failure_policy = policy;
    }
    temporal::StartWorkflowOptions options;
    options.id = workflow_id;
    options.task_queue = "provisio";
    auto handle = env_.client().StartWorkflow("ProvisionApplication", options, request);
    if (!handle)
      throw std::runtime_error("starting " + workflow_id + ": " + handle.error().ToString());
    return std::move(*handle);
  }

  // The plan's hash once the request awaits a decision.
  std::string AwaitPlan(const temporal::WorkflowHandle& handle) {
    const auto deadline = Clock::now() + 120s;
    std::string last;
    while (Clock::now() < deadline) {
      auto state = handle.Query<RequestState>("GetState");
      if (state) {
        last = state->status;
        if (state->status == "AWAITING_AUTHORIZATION" && state->plan_hash) {
          Mark("planned");
          return *state->plan_hash;
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error(handle.workflow_id() + " never awaited a decision (status " + last +
                             ")");
  }

  void Approve(const temporal::WorkflowHandle& handle, const std::string& plan_hash) {
    provisio::model::SignedDecision decision;
    decision.workflow_id = handle.workflow_id();
    decision.user = "bob";
    decision.roles = {"platform-admin"};
    decision.decision = "approve";
    decision.plan_hash = plan_hash;
    decision.reason = "drill";
    decision.expires_at_unix = std::chrono::duration_cast<std::chrono::seconds>(
                                   (std::chrono::system_clock::now() + 5min).time_since_epoch())
                                   .count();
    env_.Sign(decision);
    auto answer = handle.Update<std::string>("Authorize", decision);
    if (!answer) throw std::runtime_error("approving: " + answer.error().ToString());
  }

  // HowItEnded says, from the request's own state (the query answers for a
  // closed run too), what a request that closed unexpectedly went through:
  // its status, error, approval rounds and plan.
  std::string HowItEnded(const temporal::WorkflowHandle& handle) {
    auto state = handle.Query<RequestState>("GetState");
    if (!state) return " (its state cannot be read: " + state.error().ToString() + ")";
    return ": " + state->status + (state->error ? " (" + *state->error + ")" : std::string()) +
           ", " + std::to_string(state->rounds) + " approval round(s), " +
           std::to_string(state->approvals.size()) + " decision(s), plan " +
           state->plan_hash.value_or("none");
  }

  // Polls every 20 ms until `now` holds; false when the request closed first.
  bool WaitFor(const temporal::WorkflowHandle& handle, const std::function<bool()>& now) {
    const auto deadline = Clock::now() + 180s;
    int polls = 0;
    while (Clock::now() < deadline) {
      if (now()) return true;
      if (++polls % 25 == 0) {
        auto described = handle.Describe();
        if (described &&
            described->status != temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING)
          return false;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  int ProgressRows(const std::string& workflow_id, const std::string& plan_hash, bool same_hash) {
    auto db = env_.Platform();
    auto rows = db.Query(std::string("SELECT count(*) FROM apply_progress WHERE workflow_id = $1 "
                                     "AND plan_hash ") +
                             (same_hash ? "=" : "<>") + " $2",
                         {workflow_id, plan_hash});
    return rows && !rows->empty() ? std::stoi(rows->front()[0].value_or("0")) : 0;
  }

  // Files f0..f(n-1) exist with this generation's content.
  bool FilesDone(int n, const std::string& generation) {
    if (n == 0) return true;
    const fs::path last = env_.local_root() / stack_ / ("f" + std::to_string(n - 1) + ".txt");
    return ReadFile(last) == FileContent(stack_, n - 1, generation);
  }

  int FilesOnDisk() {
    std::error_code ignored;
    int count = 0;
    for (const auto& entry : fs::directory_iterator(env_.local_root() / stack_, ignored))
      if (entry.is_regular_file()) ++count;
    return count;
  }

  // Waits for the request to close; its error, if it failed.
  std::optional<temporal::Error> AwaitClose(const temporal::WorkflowHandle& handle,
                                            provisio::model::ProvisionResult* result) {
    const auto deadline = Clock::now() + 300s;
    while (Clock::now() < deadline) {
      temporal::GetResultOptions options;
      options.timeout = 10s;
      auto answer = handle.GetResult<provisio::model::ProvisionResult>(options);
      if (answer) {
        if (result) *result = *answer;
        Mark("closed");
        return std::nullopt;
      }
      const auto code = answer.error().code();
      if (code == temporal::ErrorCode::kWorkflowFailed ||
          code == temporal::ErrorCode::kWorkflowCanceled ||
          code == temporal::ErrorCode::kWorkflowTerminated ||
          code == temporal::ErrorCode::kWorkflowTimedOut) {
        Mark("closed");
        return answer.error();
      }
      std::this_thread::sleep_for(200ms);  // a server restarting, a long poll timed out
    }
    return temporal::Error(temporal::ErrorCode::kDeadlineExceeded,
                           handle.workflow_id() + " did not close within 5 minutes");
  }

  // The convergence checks (drill.h): the local root, the runner's state and
  // a drift check, the platform database and the entity.
  void CheckConverged(const std::string& generation,
                      const std::vector<std::pair<std::string, std::string>>& requests) {
    // The local root: exactly the ten files, each with this generation's content.
    std::set<std::string> expected_files;
    for (int i = 0; i < kFiles; ++i) expected_files.insert("f" + std::to_string(i) + ".txt");
    std::set<std::string> on_disk;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(env_.local_root() / stack_, ignored))
      on_disk.insert(entry.path().filename().string());
    for (const std::string& name : on_disk)
      if (!expected_files.count(name)) Problem("orphaned on the local root: " + name);
    for (int i = 0; i < kFiles; ++i) {
      const fs::path file = env_.local_root() / stack_ / ("f" + std::to_string(i) + ".txt");
      if (!fs::exists(file))
        Problem("missing on the local root: " + file.filename().string());
      else if (ReadFile(file) != FileContent(stack_, i, generation))
        Problem(file.filename().string() + " has \"" + ReadFile(file) + "\", not generation " +
                generation);
    }

    // moto: the stack's bucket, once, holding exactly its one object with
    // this generation's content.
    const S3Listing s3 = env_.ListS3(stack_);
    if (!s3.bucket_exists) Problem("missing in moto: bucket " + stack_);
    if (std::count(s3.buckets.begin(), s3.buckets.end(), stack_) > 1)
      Problem("duplicated in moto: bucket " + stack_);
    for (const auto& [key, content] : s3.objects)
      if (key != kGenerationKey) Problem("orphaned in moto: " + stack_ + "/" + key);
    if (s3.bucket_exists) {
      const auto object = s3.objects.find(kGenerationKey);
      if (object == s3.objects.end())
        Problem("missing in moto: " + stack_ + "/" + kGenerationKey);
      else if (object->second != ObjectContent(stack_, generation))
        Problem(stack_ + "/" + kGenerationKey + " has \"" + object->second + "\", not generation " +
                generation);
    }

    // The runner's state: each resource exactly once, nothing else; a drift
    // check (a refresh) finds nothing that differs from what exists.
    StackInspection inspection = env_.Inspect(stack_, kTemplate);
    std::multiset<std::string> listed(inspection.addresses.begin(), inspection.addresses.end());
    std::set<std::string> expected_addresses = {"terraform_data.tail", "s3_bucket.mirror",
                                                "s3_object.generation"};
    for (int i = 0; i < kFiles; ++i) {
      expected_addresses.insert("local_file.f" + std::to_string(i));
      expected_addresses.insert("terraform_data.pace_" + std::to_string(i));
    }
    for (const std::string& address : expected_addresses) {
      const auto count = listed.count(address);
      if (count == 0) Problem("not in the state: " + address);
      if (count > 1) Problem("duplicated in the state: " + address);
    }
    for (const std::string& address : std::set<std::string>(listed.begin(), listed.end()))
      if (!expected_addresses.count(address)) Problem("in the state, not expected: " + address);
    if (inspection.drifted) Problem("the state differs from what exists: " + inspection.drift);
    Mark("inspected");

    // The platform database: each request's last status, one request and
    // one approval audited each, no progress row left unfinished (but the
    // failed change's own, which end errored).
    auto db = env_.Platform();
    for (const auto& [workflow_id, status] : requests) {
      auto last = db.Query(
          "SELECT status FROM request_states WHERE workflow_id = $1 ORDER BY version DESC LIMIT 1",
          {workflow_id});
      const std::string recorded =
          last && !last->empty() ? last->front()[0].value_or("") : "(none)";
      if (recorded != status)
        Problem(workflow_id + ": request_states ends " + recorded + ", not " + status);
      for (const char* action : {"request", "approve"}) {
        auto count =
            db.Query("SELECT count(*) FROM audit_events WHERE workflow_id = $1 AND action = $2",
                     {workflow_id, std::string(action)});
        const std::string n = count && !count->empty() ? count->front()[0].value_or("0") : "?";
        if (n != "1") Problem(workflow_id + ": " + n + " \"" + action + "\" audit rows, not 1");
      }
      auto unfinished = db.Query(
          "SELECT plan_hash, address, status FROM apply_progress WHERE workflow_id = $1 AND "
          "status <> 'complete' AND plan_hash <> ALL (SELECT DISTINCT plan_hash FROM "
          "apply_progress WHERE workflow_id = $1 AND status = 'errored')",
          {workflow_id});
      if (unfinished)
        for (const auto& row : *unfinished)
          Problem(workflow_id + ": progress of " + row[1].value_or("") + " left " +
                  row[2].value_or(""));
    }

    // The entity: the lock free, nothing queued, this generation its last good.
    auto entity =
        env_.client().GetHandle("stack/" + stack_).Query<provisio::model::StackState>("GetStack");
    if (!entity) {
      Problem("GetStack: " + entity.error().ToString());
    } else {
      if (entity->holder)
        Problem("the entity still holds the lock for " + entity->holder->request_id);
      if (!entity->queue.empty()) Problem("the entity still has a queue");
      const bool good = entity->last_good && entity->last_good->parameters.count("generation") &&
                        entity->last_good->parameters.at("generation") == generation;
      if (!good) Problem("the entity's last good configuration is not generation " + generation);
    }
  }

  DrillOutcome Finish() {
    outcome_.converged = outcome_.problems.empty();
    outcome_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    if (!timeline_.empty()) outcome_.note += " (" + timeline_ + " s)";
    return outcome_;
  }

  void KillAndRestart(ChildProcess& victim, const std::string& ready_line) {
    outcome_.note = std::to_string(FilesOnDisk()) + " file(s) on disk at the kill";
    Mark("kill");
    victim.Kill(SIGKILL);
    victim.Start(ready_line);
    Mark("restarted");
  }

 private:
  DrillEnvironment& env_;
  std::string stack_;
  Clock::time_point started_;
  DrillOutcome outcome_;
  std::string timeline_;
};

const char* ReadyLine(Victim victim) {
  return victim == Victim::kWorker ? "provisio worker ready" : "opentofu runner ready";
}

ChildProcess& VictimProcess(DrillEnvironment& environment, Victim victim) {
  return victim == Victim::kWorker ? environment.worker() : environment.runner();
}

}  // namespace

std::string VictimName(Victim victim) { return victim == Victim::kWorker ? "worker" : "runner"; }

std::string PhaseName(const KillPoint& point) {
  std::string phase = point.files_done == 0        ? "before the first resource"
                      : point.files_done == kFiles ? "after the last"
                                                   : "after " + std::to_string(point.files_done) +
                                                         " of " + std::to_string(kFiles);
  return point.during_rollback ? "rollback, " + phase : phase;
}

DrillOutcome RunKillDrill(DrillEnvironment& environment, const KillPoint& point,
                          const std::string& provisioned_stack) {
  Drill drill(environment, point.during_rollback ? provisioned_stack : std::string());
  try {
    const std::string first_id = drill.stack() + "-request";
    std::vector<std::pair<std::string, std::string>> requests;
    if (!point.during_rollback) {
      auto handle = drill.Start(first_id, "1", false);
      const std::string hash = drill.AwaitPlan(handle);
      drill.Approve(handle, hash);
      const bool reached = drill.WaitFor(handle, [&] {
        return drill.ProgressRows(first_id, hash, true) > 0 &&
               (point.files_done == 0 ? !drill.FilesDone(1, "1")
                                      : drill.FilesDone(point.files_done, "1"));
      });
      if (!reached) {
        drill.Problem("the request closed before the kill point" + drill.HowItEnded(handle));
        return drill.Finish();
      }
      drill.KillAndRestart(VictimProcess(environment, point.victim), ReadyLine(point.victim));
      provisio::model::ProvisionResult result;
      if (auto failed = drill.AwaitClose(handle, &result)) {
        drill.Problem(first_id + " did not complete: " + failed->ToString());
      } else if (result.plan_hash != hash) {
        drill.Problem(first_id + " applied " + result.plan_hash + ", not the approved " + hash);
      }
      requests.emplace_back(first_id, "PROVISIONED");
    } else {
      // Generation 1 applied, then a change to generation 2 that fails at its
      // end (a directory blocks its last file) with the rollback policy: the
      // saga re-applies generation 1, and the kill lands in that.
      if (provisioned_stack.empty()) {
        auto first = drill.Start(first_id, "1", false);
        drill.Approve(first, drill.AwaitPlan(first));
        if (auto failed = drill.AwaitClose(first, nullptr))
          throw std::runtime_error(first_id + " failed: " + failed->ToString());
        requests.emplace_back(first_id, "PROVISIONED");
      }
      const fs::path blocker =
          environment.local_root() / drill.stack() / "blocked" / "at-the-end.txt";
      fs::create_directories(blocker);
      const std::string change_id = NewStackName() + "-change-of-" + drill.stack();
      auto change = drill.Start(change_id, "2", true);
      const std::string hash = drill.AwaitPlan(change);
      drill.Approve(change, hash);
      const bool reached = drill.WaitFor(change, [&] {
        return drill.ProgressRows(change_id, hash, false) > 0 &&
               (point.files_done == 0 ? !drill.FilesDone(1, "1")
                                      : drill.FilesDone(point.files_done, "1"));
      });
      if (!reached) {
        drill.Problem("the change closed before the kill point" + drill.HowItEnded(change));
        fs::remove_all(blocker.parent_path());
        return drill.Finish();
      }
      drill.KillAndRestart(VictimProcess(environment, point.victim), ReadyLine(point.victim));
      auto failed = drill.AwaitClose(change, nullptr);
      if (!failed || failed->code() != temporal::ErrorCode::kWorkflowFailed)
        drill.Problem(change_id + " did not fail RolledBack: " +
                      (failed ? failed->ToString() : std::string("it completed")));
      fs::remove_all(blocker.parent_path());
      requests.emplace_back(change_id, "ROLLED_BACK");
    }
    drill.CheckConverged("1", requests);
  } catch (const std::exception& error) {
    drill.Problem(error.what());
  }
  return drill.Finish();
}

DrillOutcome RunDevServerRestartDrill(DrillEnvironment& environment) {
  Drill drill(environment, "");
  try {
    const std::string id = drill.stack() + "-request";
    auto handle = drill.Start(id, "1", false);
    const std::string hash = drill.AwaitPlan(handle);
    drill.Approve(handle, hash);
    if (!drill.WaitFor(handle, [&] { return drill.FilesDone(3, "1"); })) {
      drill.Problem("the request closed before the third file");
      return drill.Finish();
    }
    drill.outcome().note = std::to_string(drill.FilesOnDisk()) + " file(s) on disk at the restart";
    environment.RestartDevServer();
    provisio::model::ProvisionResult result;
    if (auto failed = drill.AwaitClose(handle, &result))
      drill.Problem(id + " did not complete: " + failed->ToString());
    drill.CheckConverged("1", {{id, "PROVISIONED"}});
  } catch (const std::exception& error) {
    drill.Problem(error.what());
  }
  return drill.Finish();
}

}  // namespace provisio_drill
