// GET /metrics: the Prometheus text format, counting what the API answered.
#include "api_fixture.h"

namespace provisio_api_test {
namespace {

class MetricsApiTest : public ApiTest {};

// The value of the sample named exactly `series` ("name{labels}"), or -1.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

TEST_F(MetricsApiTest, CountsAnswersByRouteAndStatusInThePrometheusTextFormat) {
  HttpClient client = SignedIn(User("requester"));
  ASSERT_EQ(client.Get("/api/templates").status, 200);
  ASSERT_EQ(client.Get("/api/templates").status, 200);
  ASSERT_EQ(client.Get("/api/templates/no-such-template").status, 404);
  ASSERT_EQ(client.Get("/no/such/route").status, 404);

  Reply metrics = Client().Get("/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body;
  EXPECT_EQ(
      Sample(text,
             R"(provisio_api_requests_total{method="GET",route="/api/templates",status="200"})"),
      2);
  EXPECT_EQ(
      Sample(
          text,
          R"(provisio_api_requests_total{method="GET",route="/api/templates/{name}",status="404"})"),
      1);
  EXPECT_EQ(
      Sample(text, R"(provisio_api_requests_total{method="GET",route="unmatched",status="404"})"),
      1);
  EXPECT_EQ(
      Sample(text,
             R"(provisio_api_requests_total{method="POST",route="/api/session",status="201"})"),
      1);
  EXPECT_EQ(
      Sample(text,
             R"(provisio_api_request_duration_seconds_count{method="GET",route="/api/templates"})"),
      2);
  EXPECT_EQ(
      Sample(
          text,
          R"(provisio_api_request_duration_seconds_bucket{method="GET",route="/api/templates",le="+Inf"})"),
      2);
  EXPECT_EQ(Sample(text, "provisio_api_long_poll_waiters"), 0);
  EXPECT_GE(Sample(text, "provisio_api_listener_up"), 0);
  EXPECT_NE(text.find("# TYPE provisio_api_request_duration_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace provisio_api_test
