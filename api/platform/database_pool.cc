#include "platform/database_pool.h"

namespace provisio::api {

temporal::Result<std::unique_ptr<database::Connection>> DatabasePool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  auto opened = database::Connection::Open(conninfo_);
  if (!opened) return opened.error();
  return std::make_unique<database::Connection>(std::move(*opened));
}

void DatabasePool::Give(std::unique_ptr<database::Connection> connection) {
  if (!connection->Healthy()) return;  // closes it
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace provisio::api
