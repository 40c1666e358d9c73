#include "web/static_site.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace provisio::api::web {
namespace {

namespace fs = std::filesystem;
namespace http = server::http;
using temporal::Error;
using temporal::ErrorCode;

constexpr std::uintmax_t kMaxSiteBytes = 64ull * 1024 * 1024;

std::string ContentTypeOf(const fs::path& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  const auto found = kTypes.find(path.extension().string());
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

bool IsDotfile(const fs::path& relative) {
  for (const auto& part : relative)
    if (!part.empty() && part.string().front() == '.') return true;
  return false;
}

}  // namespace

const std::string& ContentSecurityPolicy() {
  // 'unsafe-inline' for styles only: Svelte sets style attributes for
  // transitions and progress widths; scripts stay strictly 'self'.
  static const std::string policy =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
      "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
  return policy;
}

temporal::Result<StaticSite> StaticSite::Load(const std::string& directory) {
  std::error_code error;
  const fs::path root = fs::weakly_canonical(directory, error);
  if (error || !fs::is_regular_file(root / "index.html", error))
    return Error(ErrorCode::kFailedPrecondition,
                 "PROVISIO_UI_DIR: \"" + directory +
                     "\" has no index.html (build the UI: cd ui && npm ci && npm run build)");
  StaticSite site;
  std::uintmax_t total = 0;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file()) continue;
    const fs::path relative = fs::relative(it->path(), root);
    if (IsDotfile(relative)) continue;
    total += it->file_size();
    if (total > kMaxSiteBytes)
      return Error(ErrorCode::kFailedPrecondition,
                   "PROVISIO_UI_DIR: \"" + directory + "\" holds more than 64 MiB; is it the UI?");
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in && !in.eof())
      return Error(ErrorCode::kFailedPrecondition,
                   "PROVISIO_UI_DIR: cannot read " + it->path().string());
    site.files_["/" + relative.generic_string()] = {ContentTypeOf(relative), body.str()};
  }
  if (error)
    return Error(ErrorCode::kFailedPrecondition,
                 "PROVISIO_UI_DIR: cannot list \"" + directory + "\": " + error.message());
  return site;
}

std::optional<server::Response> StaticSite::Serve(const server::Request& request) const {
  if (request.method() != http::verb::get) return std::nullopt;
  const std::string_view target = request.target();
  std::string path(target.substr(0, target.find_first_of("?#")));
  if (path.empty() || path.front() != '/' || path == "/api" || path.starts_with("/api/"))
    return std::nullopt;
  // Only plain paths: no escapes, no dot segments, so nothing names a file
  // outside the directory or a dotfile.
  if (path.find('%') != std::string::npos || path.find("/.") != std::string::npos ||
      path.find('\\') != std::string::npos)
    return std::nullopt;
  if (path.back() == '/') path += "index.html";

  auto file = files_.find(path);
  if (file == files_.end()) {
    const std::string last = path.substr(path.rfind('/') + 1);
    if (last.find('.') != std::string::npos) return std::nullopt;  // a missing asset
    file = files_.find("/index.html");                             // a route of the app
  }
  server::Response response{http::status::ok, request.version()};
  response.set(http::field::content_type, file->second.content_type);
  response.set(http::field::cache_control, file->first.starts_with("/assets/")
                                               ? "public, max-age=31536000, immutable"
                                               : "no-cache");
  response.set("Content-Security-Policy", ContentSecurityPolicy());
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  response.body() = file->second.body;
  return response;
}

}  // namespace provisio::api::web
