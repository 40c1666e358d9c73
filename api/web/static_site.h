// api/web/static_site.h: the built web UI (ui/dist), served by the API from
// memory.
//
//   auto site = StaticSite::Load("ui/dist");   // reads every file once, at start
//   if (!site) ... site.error() names the directory and what is wrong ...
//   if (auto response = site->Serve(request)) ...   // nullopt: not the site's
//
// Why from memory: the built UI is a few hundred KiB that never changes while
// the process runs, and serving it must not block the I/O thread on the disk.
// A rebuilt UI is served after a restart.
//
// What Serve answers, for GET of a path outside /api/:
//   - a file of the directory (never a dotfile, never outside it): its bytes,
//     with the content type its extension names. Files under assets/ are
//     content-hashed by Vite, so they are cached for a year (immutable);
//     everything else is revalidated (no-cache) so a new build is seen at once;
//   - a path with no file and no extension (/requests/abc): index.html, so
//     that the single-page app's own routes survive a reload or a shared link;
//   - a path with an extension and no file: nullopt (the router's 404).
// Every answer carries a Content-Security-Policy that allows only this
// origin's scripts, styles, images and connections, and forbids framing.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "server/http_types.h"
#include "temporal/error.h"

namespace provisio::api::web {

class StaticSite {
 public:
  /// Load reads every regular file under `directory` (at most 64 MiB in all);
  /// kFailedPrecondition when it has no index.html or cannot be read.
  static temporal::Result<StaticSite> Load(const std::string& directory);

  /// Serve answers `request` from the site, or nullopt when the path is not
  /// the site's (the API's paths, other methods, a missing asset).
  std::optional<server::Response> Serve(const server::Request& request) const;

  /// file_count is how many files were loaded (the start log says it).
  std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File> files_;  // by path, "/index.html"
};

/// ContentSecurityPolicy is the policy every page of the site is served with.
const std::string& ContentSecurityPolicy();

}  // namespace provisio::api::web
