#include "activities/activity_environment.h"

#include <stdexcept>

namespace provisio::activities {

database::Connection ActivityEnvironment::Connect() const {
  auto connection = database::Connection::Open(conninfo);
  // A plain exception is a retryable activity failure.
  if (!connection) throw std::runtime_error(connection.error().message());
  return std::move(*connection);
}

}  // namespace provisio::activities
