// The provisioning worker's /metrics: the SDK's measurements rendered in the
// Prometheus text format, and served over HTTP on loopback. (The walkthrough,
// tests/run/walkthrough.sh, scrapes the real worker that scripts/run starts.)
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "metrics/metrics_http_server.h"
#include "metrics/prometheus_worker_metrics.h"

namespace {

using provisio::metrics::MetricsHttpServer;
using provisio::metrics::PrometheusWorkerMetrics;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(WorkerMetrics, CountersGaugesAndDurationsRenderInThePrometheusTextFormat) {
  PrometheusWorkerMetrics metrics;
  const temporal::MetricLabels slots{{"worker_type", "WorkflowWorker"}, {"task_queue", "provisio"}};
  metrics.SetGauge("temporal_worker_task_slots_available", slots, 100);
  metrics.SetGauge("temporal_worker_task_slots_available", slots, 99);  // the last value counts
  metrics.AddCounter("temporal_sticky_cache_hit", {{"task_queue", "provisio"}}, 2);
  metrics.AddCounter("temporal_sticky_cache_hit", {{"task_queue", "provisio"}}, 3);
  const temporal::MetricLabels poll{{"operation", "PollWorkflowTaskQueue"},
                                    {"task_queue", "provisio"}};
  metrics.RecordDuration("temporal_long_request_latency", poll, 3ms);
  metrics.RecordDuration("temporal_long_request_latency", poll, 2s);
  metrics.RecordDuration("temporal_long_request_latency", poll, 90s);  // beyond the last bucket
  metrics.AddCounter("temporal_activity_execution_failed",
                     {{"task_queue", "q\"\\\nx"}, {"activity_type", "plan"}}, 1);

  const std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE temporal_worker_task_slots_available gauge")) << text;
  EXPECT_TRUE(Has(text,
                  "temporal_worker_task_slots_available{worker_type=\"WorkflowWorker\","
                  "task_queue=\"provisio\"} 99"))
      << text;
  EXPECT_TRUE(Has(text, "# TYPE temporal_sticky_cache_hit counter")) << text;
  EXPECT_TRUE(Has(text, "temporal_sticky_cache_hit{task_queue=\"provisio\"} 5")) << text;
  EXPECT_TRUE(Has(text, "# TYPE temporal_long_request_latency histogram")) << text;
  const std::string labels = "operation=\"PollWorkflowTaskQueue\",task_queue=\"provisio\"";
  // Buckets are cumulative: 3 ms falls in le=0.005, 2 s in le=2.5, 90 s only in +Inf.
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_bucket{" + labels + ",le=\"0.005\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_bucket{" + labels + ",le=\"1\"} 1")) << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_bucket{" + labels + ",le=\"2.5\"} 2"))
      << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_bucket{" + labels + ",le=\"60\"} 2"))
      << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_bucket{" + labels + ",le=\"+Inf\"} 3"))
      << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_count{" + labels + "} 3")) << text;
  EXPECT_TRUE(Has(text, "temporal_long_request_latency_sum{" + labels + "} 92.003")) << text;
  // Label values are escaped as the format says.
  EXPECT_TRUE(Has(text,
                  "temporal_activity_execution_failed{task_queue=\"q\\\"\\\\\\nx\","
                  "activity_type=\"plan\"} 1"))
      << text;
}

struct Answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

Answer Fetch(unsigned short port, http::verb method, const std::string& target) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> request(method, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {response.result_int(), std::string(response[http::field::content_type]), response.body()};
}

TEST(WorkerMetrics, TheServerAnswersGetMetricsWithTheRenderingAndNothingElse) {
  auto metrics = std::make_shared<PrometheusWorkerMetrics>();
  auto server = MetricsHttpServer::Start("127.0.0.1:0", [metrics] { return metrics->Render(); });
  ASSERT_TRUE(server.ok()) << server.error();
  const unsigned short port = (*server)->port();
  ASSERT_NE(port, 0);
  metrics->SetGauge("temporal_sticky_cache_size", {{"task_queue", "provisio"}}, 4);

  Answer scraped = Fetch(port, http::verb::get, "/metrics");
  EXPECT_EQ(scraped.status, 200u);
  EXPECT_EQ(scraped.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(Has(scraped.body, "temporal_sticky_cache_size{task_queue=\"provisio\"} 4"))
      << scraped.body;
  // Each scrape renders afresh.
  metrics->SetGauge("temporal_sticky_cache_size", {{"task_queue", "provisio"}}, 7);
  EXPECT_TRUE(Has(Fetch(port, http::verb::get, "/metrics").body,
                  "temporal_sticky_cache_size{task_queue=\"provisio\"} 7"));
  EXPECT_EQ(Fetch(port, http::verb::get, "/").status, 404u);
  EXPECT_EQ(Fetch(port, http::verb::post, "/metrics").status, 404u);

  // Stopping it closes the port.
  server->reset();
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code refused;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, refused);
  EXPECT_TRUE(refused) << "the port still accepts after the server stopped";
}

TEST(WorkerMetrics, ABadAddressIsAClearError) {
  const auto render = [] { return std::string(); };
  for (const char* address : {"127.0.0.1", "not-an-ip:9464", "127.0.0.1:70000", "127.0.0.1:x"}) {
    auto server = MetricsHttpServer::Start(address, render);
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_EQ(server.error().code(), temporal::ErrorCode::kInvalidArgument) << address;
    EXPECT_NE(server.error().message().find(address), std::string::npos)
        << server.error().message();
  }
  // A port taken by another listener cannot be bound.
  auto first = MetricsHttpServer::Start("127.0.0.1:0", render);
  ASSERT_TRUE(first.ok()) << first.error();
  auto second = MetricsHttpServer::Start("127.0.0.1:" + std::to_string((*first)->port()), render);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), temporal::ErrorCode::kUnavailable);
}

}  // namespace
