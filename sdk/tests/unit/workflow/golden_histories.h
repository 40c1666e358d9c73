// GoldenHistoryPath: where the golden histories (sdk/testdata/histories/) are.
//
// Tests run from a build directory anywhere, so the folder is found by
// walking up from the working directory and from the test executable, unless
// the environment variable PROVISIO_SOURCE_DIR names the source tree.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace temporal::testing {

/// GoldenHistoryDirectory returns sdk/testdata/histories of the source tree,
/// or "" when it cannot be found.
inline std::filesystem::path GoldenHistoryDirectory() {
  namespace fs = std::filesystem;
  const fs::path relative = fs::path("sdk") / "testdata" / "histories";
  if (const char* source = std::getenv("PROVISIO_SOURCE_DIR"); source != nullptr) {
    return fs::path(source) / relative;
  }
  std::error_code ignored;
  for (fs::path start : {fs::current_path(ignored), fs::read_symlink("/proc/self/exe", ignored)}) {
    for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_directory(dir / relative, ignored)) return dir / relative;
      if (dir == dir.parent_path()) break;
    }
  }
  return {};
}

/// GoldenHistoryPath returns the path of golden history `file` (e.g. "greet.json").
inline std::string GoldenHistoryPath(const std::string& file) {
  return (GoldenHistoryDirectory() / file).string();
}

}  // namespace temporal::testing
