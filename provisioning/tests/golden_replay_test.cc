// The golden histories (provisioning/tests/golden/*.json) replay against
// today's workflow code. They were recorded from the end-to-end tests on a
// real server (provisioning_fixture.h writes them when PROVISIO_GOLDEN_DIR is
// set); a change to ProvisionApplication, Stack or DetectDrift that running
// workflows could not replay fails here, before it is deployed. No server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/worker/replayer.h"
#include "workflows/provision_application.h"

namespace {

namespace fs = std::filesystem;

// The key the golden histories were recorded under. It protects nothing: it
// exists so that the recorded payloads are encrypted as in production.
constexpr char kGoldenKeyId[] = "golden-key";
constexpr char kGoldenKeyHex[] = "dc05ef9236d2c489a1fec28d6de4d7f59dcb1b58eb1a8af7dba0ec9b7c37bcd0";

std::vector<fs::path> GoldenFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(PROVISIO_SOURCE_DIR) / "provisioning/tests/golden"))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// RecordedWorkflowId: the id a run is replayed under. The file's name,
// except for a fan-out parent, whose children's ids (<parent id>/<region>)
// are made from its own: there it is the recorded children's prefix.
std::string RecordedWorkflowId(const temporal::api::history::v1::History& history,
                               const fs::path& file) {
  for (const auto& event : history.events()) {
    if (!event.has_start_child_workflow_execution_initiated_event_attributes()) continue;
    const std::string& child =
        event.start_child_workflow_execution_initiated_event_attributes().workflow_id();
    const std::size_t slash = child.rfind('/');
    if (slash != std::string::npos) return child.substr(0, slash);
  }
  return file.stem().string();
}

TEST(GoldenHistories, EveryRecordedRunReplaysAgainstTodaysCode) {
  temporal::DataConverter converter;
  auto key = temporal::AesGcmCodec::KeyFromHex(kGoldenKeyHex);
  ASSERT_TRUE(key.ok());
  converter.AddCodec(*temporal::AesGcmCodec::Create(kGoldenKeyId, *key));
  provisio::workflows::ProvisionSettings settings;  // validators do not run on replay
  temporal::Replayer replayer;
  replayer.SetDataConverter(converter);
  provisio::workflows::RegisterProvisioningWorkflows(replayer, settings);

  const std::vector<fs::path> files = GoldenFiles();
  std::set<std::string> types;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::ifstream in(file);
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto history = temporal::Replayer::LoadHistoryJson(json);
    ASSERT_TRUE(history.ok()) << history.error();
    types.insert(
        history->events(0).workflow_execution_started_event_attributes().workflow_type().name());
    auto replayed = replayer.ReplayHistory(*history, RecordedWorkflowId(*history, file));
    EXPECT_TRUE(replayed.ok()) << replayed.error();
  }
  // The set covers both of the platform's long-lived workflow types.
  EXPECT_GE(files.size(), 8u);
  EXPECT_EQ(types, (std::set<std::string>{"ProvisionApplication", "Stack"}));
}

}  // namespace
