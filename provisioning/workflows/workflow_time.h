// provisioning/workflows/workflow_time.h: workflow time as text.
#pragma once

#include <chrono>
#include <string>

namespace provisio::workflows {

/// Rfc3339 formats `time` (pass wf::Now(): deterministic) as UTC RFC 3339.
std::string Rfc3339(std::chrono::system_clock::time_point time);

}  // namespace provisio::workflows
