// The one test body every ReplayScenario runs through (see replay_scenario.h).
#include "replay_scenario.h"

#include <regex>

namespace temporal::testing {
namespace {

// The event id a non-determinism message names ("... at history event 12: ...").
std::optional<std::int64_t> EventIdIn(const std::string& message) {
  std::smatch match;
  static const std::regex kEventId("history event (\\d+)");
  if (!std::regex_search(message, match, kEventId)) return std::nullopt;
  return std::stoll(match[1].str());
}

}  // namespace

TEST_P(ReplayScenarioTest, ReplaysAsExpected) {
  const ReplayScenario& scenario = GetParam();
  Status replayed = ReplayScenarioHistory(scenario);
  if (!scenario.diverges_at) {
    EXPECT_TRUE(replayed.ok()) << replayed.error();
    return;
  }
  ASSERT_FALSE(replayed.ok()) << "expected non-determinism at event " << *scenario.diverges_at;
  EXPECT_EQ(replayed.error().code(), ErrorCode::kNondeterminism) << replayed.error();
  const std::string& message = replayed.error().message();
  EXPECT_EQ(message.rfind("[TMPRL1100]", 0), 0u) << message;
  EXPECT_EQ(EventIdIn(message), scenario.diverges_at) << message;
  EXPECT_NE(message.find(scenario.message_contains), std::string::npos)
      << "'" << scenario.message_contains << "' not in: " << message;
}

}  // namespace temporal::testing
