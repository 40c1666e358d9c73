// api/platform/blocking.h: running blocking calls off the I/O thread.
//
// The HTTP transport runs on one I/O thread; libpq and the Temporal client
// block. A handler hands such a call to a thread pool and resumes, on its own
// executor, when it returns:
//
//   temporal::Result<Rows> rows = co_await RunBlocking(services.blocking, [&] {
//     return database.Query(...);
//   });
//
// BAD: capturing by reference is safe only because the coroutine's frame (and
// so everything it owns) outlives the call: do not RunBlocking from a
// detached lambda that returns before the result comes.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace provisio::api {

/// RunBlocking runs `work` on `pool` and resumes the caller with its result;
/// an exception `work` throws is rethrown in the caller.
template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> RunBlocking(boost::asio::thread_pool& pool,
                                                                Work work) {
  using Value = std::invoke_result_t<Work&>;
  static_assert(!std::is_void_v<Value>, "RunBlocking: return a value (a Status, say)");
  std::optional<Value> value =
      co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                           void(std::exception_ptr, std::optional<Value>)>(
          [&pool, &work](auto handler) {
            // The guard keeps the caller's io_context running while the call is
            // away: nothing else may be pending on it (a draining server).
            auto guard =
                boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
            boost::asio::post(
                pool, [&work, handler = std::move(handler), guard = std::move(guard)]() mutable {
                  std::optional<Value> result;
                  std::exception_ptr failure;
                  try {
                    result.emplace(work());
                  } catch (...) {
                    failure = std::current_exception();
                  }
                  auto executor = boost::asio::get_associated_executor(handler);
                  boost::asio::dispatch(executor, [handler = std::move(handler), failure,
                                                   result = std::move(result)]() mutable {
                    std::move(handler)(failure, std::move(result));
                  });
                  guard.reset();
                });
          },
          boost::asio::use_awaitable);
  co_return std::move(*value);
}

}  // namespace provisio::api
