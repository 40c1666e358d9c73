// Failure (reading decoded failures), ApplicationFailure / CanceledFailure (raising
// them) and FailureFromException.
#include "temporal/failure.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace temporal {
namespace {

using FailureProto = temporal::api::failure::v1::Failure;
using temporal::api::enums::v1::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
using temporal::api::enums::v1::RETRY_STATE_NON_RETRYABLE_FAILURE;
using temporal::api::enums::v1::RETRY_STATE_UNSPECIFIED;
using temporal::api::enums::v1::TIMEOUT_TYPE_START_TO_CLOSE;
using temporal::api::enums::v1::TIMEOUT_TYPE_UNSPECIFIED;

namespace user_code {
struct QuotaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace user_code

FailureProto ActivityFailureCausedBy(FailureProto cause) {
  FailureProto activity;
  activity.set_message("activity error");
  activity.set_source("CppSDK");
  auto* info = activity.mutable_activity_failure_info();
  info->mutable_activity_type()->set_name("CreateBucket");
  info->set_activity_id("7");
  info->set_retry_state(RETRY_STATE_NON_RETRYABLE_FAILURE);
  *activity.mutable_cause() = std::move(cause);
  return activity;
}

TEST(Failure, ReadsAnActivityFailureAndItsApplicationCause) {
  Failure failure(ActivityFailureCausedBy(
      ApplicationFailure("bucket exists", "BucketExists", true).WithDetails(7).ToProto()));
  EXPECT_EQ(failure.kind(), FailureKind::kActivity);
  EXPECT_EQ(failure.message(), "activity error");
  EXPECT_EQ(failure.source(), "CppSDK");
  EXPECT_EQ(failure.activity_type(), "CreateBucket");
  EXPECT_EQ(failure.activity_id(), "7");
  EXPECT_EQ(failure.retry_state(), RETRY_STATE_NON_RETRYABLE_FAILURE);
  EXPECT_EQ(failure.application_type(), "");
  EXPECT_FALSE(failure.non_retryable());
  EXPECT_EQ(failure.details_count(), 0);

  std::optional<Failure> cause = failure.cause();
  ASSERT_TRUE(cause.has_value());
  EXPECT_EQ(cause->kind(), FailureKind::kApplication);
  EXPECT_EQ(cause->application_type(), "BucketExists");
  EXPECT_TRUE(cause->non_retryable());
  EXPECT_EQ(cause->retry_state(), RETRY_STATE_UNSPECIFIED);
  EXPECT_EQ(cause->Details<int>(0).value(), 7);
  EXPECT_FALSE(cause->cause().has_value());
}

TEST(Failure, CauseOutlivesTheFailureItCameFrom) {
  std::optional<Failure> cause;
  {
    Failure failure(ActivityFailureCausedBy(ApplicationFailure("inner").ToProto()));
    cause = failure.cause();
  }
  ASSERT_TRUE(cause.has_value());
  EXPECT_EQ(cause->message(), "inner");
}

TEST(Failure, MissingDetailIsOutOfRangeOrEmptyOptional) {
  Failure failure(ApplicationFailure("x").WithDetails(std::string("only")).ToProto());
  EXPECT_EQ(failure.details_count(), 1);
  Result<std::string> missing = failure.Details<std::string>(1);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(missing.error().message(), "ApplicationFailure has no detail 1 (it has 1)");
  EXPECT_EQ(failure.Details<std::optional<std::string>>(1).value(), std::nullopt);
  EXPECT_FALSE(failure.Details<std::string>(-1).ok());
}

TEST(Failure, DetailOfTheWrongTypeIsAConversionError) {
  Failure failure(ApplicationFailure("x").WithDetails(std::string("text")).ToProto());
  Result<int> detail = failure.Details<int>(0);
  ASSERT_FALSE(detail.ok());
  EXPECT_EQ(detail.error().code(), ErrorCode::kDataConversion);
}

TEST(Failure, ReadsCanceledAndTimeoutDetails) {
  Failure canceled(CanceledFailure("stop").WithDetails(std::string("why")).ToProto());
  EXPECT_EQ(canceled.kind(), FailureKind::kCanceled);
  EXPECT_EQ(canceled.Details<std::string>().value(), "why");

  FailureProto proto;
  proto.set_message("activity StartToClose timeout");
  proto.mutable_timeout_failure_info()->set_timeout_type(TIMEOUT_TYPE_START_TO_CLOSE);
  *proto.mutable_timeout_failure_info()->mutable_last_heartbeat_details()->add_payloads() =
      *ToPayload(50);
  Failure timeout(proto);
  EXPECT_EQ(timeout.kind(), FailureKind::kTimeout);
  EXPECT_EQ(timeout.timeout_type(), TIMEOUT_TYPE_START_TO_CLOSE);
  EXPECT_EQ(timeout.Details<int>().value(), 50);
  EXPECT_EQ(canceled.timeout_type(), TIMEOUT_TYPE_UNSPECIFIED);
}

TEST(Failure, KindFollowsTheFailureInfo) {
  auto kind_of = [](auto set_info) {
    FailureProto proto;
    set_info(&proto);
    return Failure(proto).kind();
  };
  EXPECT_EQ(kind_of([](FailureProto* p) { p->mutable_server_failure_info(); }),
            FailureKind::kServer);
  EXPECT_EQ(kind_of([](FailureProto* p) { p->mutable_terminated_failure_info(); }),
            FailureKind::kTerminated);
  EXPECT_EQ(kind_of([](FailureProto* p) { p->mutable_reset_workflow_failure_info(); }),
            FailureKind::kResetWorkflow);
  EXPECT_EQ(kind_of([](FailureProto* p) { p->mutable_child_workflow_execution_failure_info(); }),
            FailureKind::kChildWorkflow);
  EXPECT_EQ(kind_of([](FailureProto* p) { p->mutable_nexus_operation_execution_failure_info(); }),
            FailureKind::kNexusOperation);
  EXPECT_EQ(kind_of([](FailureProto*) {}), FailureKind::kUnknown);
}

TEST(Failure, ToStringShowsTheCauseChain) {
  Failure failure(ActivityFailureCausedBy(
      ApplicationFailure("quota exceeded", "QuotaExceeded", true).ToProto()));
  EXPECT_EQ(failure.ToString(),
            "ActivityFailure(activity_type=CreateBucket, activity_id=7, "
            "retry_state=RETRY_STATE_NON_RETRYABLE_FAILURE): activity error caused by "
            "ApplicationFailure(type=QuotaExceeded, non_retryable): quota exceeded");
}

TEST(Failure, ToStringOfOtherKinds) {
  FailureProto child;
  child.set_message("child workflow execution error");
  auto* info = child.mutable_child_workflow_execution_failure_info();
  info->mutable_workflow_type()->set_name("Provision");
  info->mutable_workflow_execution()->set_workflow_id("app-1");
  info->set_retry_state(RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  FailureProto timeout;
  timeout.set_message("timeout");
  timeout.mutable_timeout_failure_info()->set_timeout_type(TIMEOUT_TYPE_START_TO_CLOSE);
  *child.mutable_cause() = timeout;
  EXPECT_EQ(Failure(child).ToString(),
            "ChildWorkflowFailure(workflow_type=Provision, workflow_id=app-1, "
            "retry_state=RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED): child workflow execution error "
            "caused by TimeoutFailure(timeout_type=TIMEOUT_TYPE_START_TO_CLOSE): timeout");

  FailureProto terminated;
  terminated.mutable_terminated_failure_info();
  EXPECT_EQ(Failure(terminated).ToString(), "TerminatedFailure");
  EXPECT_EQ(Failure(CanceledFailure().ToProto()).ToString(), "CanceledFailure: canceled");
  EXPECT_EQ(Failure(ApplicationFailure("plain").ToProto()).ToString(), "ApplicationFailure: plain");
}

TEST(ApplicationFailure, ToProtoCarriesEverythingSet) {
  FailureProto cause = ApplicationFailure("root cause").ToProto();
  ApplicationFailure error = ApplicationFailure("bucket exists", "BucketExists")
                                 .WithDetails(std::string("eu-west-1"), 42)
                                 .WithNextRetryDelay(std::chrono::milliseconds(1500))
                                 .WithCause(Failure(cause));
  EXPECT_STREQ(error.what(), "bucket exists");
  FailureProto proto = error.ToProto();
  EXPECT_EQ(proto.message(), "bucket exists");
  EXPECT_EQ(proto.source(), "CppSDK");
  const auto& info = proto.application_failure_info();
  EXPECT_EQ(info.type(), "BucketExists");
  EXPECT_FALSE(info.non_retryable());
  ASSERT_EQ(info.details().payloads_size(), 2);
  EXPECT_EQ(info.details().payloads(0).data(), "\"eu-west-1\"");
  EXPECT_EQ(info.details().payloads(1).data(), "42");
  EXPECT_EQ(info.next_retry_delay().seconds(), 1);
  EXPECT_EQ(info.next_retry_delay().nanos(), 500000000);
  EXPECT_EQ(proto.cause().message(), "root cause");
  EXPECT_EQ(Failure(proto).next_retry_delay(), std::chrono::milliseconds(1500));
  EXPECT_EQ(error.ToProto("OtherSDK").source(), "OtherSDK");
}

TEST(ApplicationFailure, NonRetryableFactorySetsTheFlag) {
  ApplicationFailure error = ApplicationFailure::NonRetryable("bad input", "InvalidInput");
  EXPECT_TRUE(error.non_retryable());
  EXPECT_EQ(error.type(), "InvalidInput");
  EXPECT_TRUE(error.ToProto().application_failure_info().non_retryable());
  EXPECT_FALSE(error.ToProto().application_failure_info().has_details());
  EXPECT_FALSE(error.ToProto().application_failure_info().has_next_retry_delay());
}

TEST(ApplicationFailure, UnconvertibleDetailsAreReportedInTheMessage) {
  ApplicationFailure error = ApplicationFailure("failed").WithDetails(std::string("\xff"));
  EXPECT_TRUE(error.details().empty());
  EXPECT_NE(error.details_error().find("DATA_CONVERSION"), std::string::npos);
  FailureProto proto = error.ToProto();
  EXPECT_EQ(proto.message().rfind("failed [details not converted: DATA_CONVERSION: ", 0), 0u)
      << proto.message();
  EXPECT_FALSE(proto.application_failure_info().has_details());
}

TEST(FailureFromException, ApplicationFailureGivesItsProto) {
  try {
    throw ApplicationFailure("quota exceeded", "QuotaExceeded", true).WithDetails(3);
  } catch (...) {
    FailureProto proto = FailureFromException(std::current_exception());
    EXPECT_EQ(proto.message(), "quota exceeded");
    EXPECT_EQ(proto.source(), "CppSDK");
    EXPECT_EQ(proto.application_failure_info().type(), "QuotaExceeded");
    EXPECT_TRUE(proto.application_failure_info().non_retryable());
    EXPECT_EQ(proto.application_failure_info().details().payloads(0).data(), "3");
  }
}

TEST(FailureFromException, CanceledFailureGivesCanceledInfo) {
  FailureProto proto =
      FailureFromException(std::make_exception_ptr(CanceledFailure("activity canceled")));
  EXPECT_TRUE(proto.has_canceled_failure_info());
  EXPECT_EQ(proto.message(), "activity canceled");
}

TEST(FailureFromException, StandardExceptionGivesItsDemangledTypeAndWhat) {
  FailureProto proto =
      FailureFromException(std::make_exception_ptr(std::runtime_error("disk full")));
  EXPECT_EQ(proto.message(), "disk full");
  EXPECT_EQ(proto.application_failure_info().type(), "std::runtime_error");
  EXPECT_FALSE(proto.application_failure_info().non_retryable());

  proto = FailureFromException(std::make_exception_ptr(user_code::QuotaError("over")));
  EXPECT_EQ(proto.application_failure_info().type(),
            "temporal::(anonymous namespace)::user_code::QuotaError");
  EXPECT_EQ(FailureFromException(std::make_exception_ptr(std::out_of_range("i")), "Test")
                .application_failure_info()
                .type(),
            "std::out_of_range");
}

TEST(FailureFromException, NonStandardExceptionIsUnknownException) {
  FailureProto proto = FailureFromException(std::make_exception_ptr(42));
  EXPECT_EQ(proto.application_failure_info().type(), "UnknownException");
  EXPECT_FALSE(proto.message().empty());
  EXPECT_EQ(FailureFromException(nullptr).application_failure_info().type(), "UnknownException");
}

TEST(Failure, ErrorCanCarryAFailure) {
  Error error(ErrorCode::kWorkflowFailed, "workflow failed",
              Failure(ApplicationFailure("boom", "Boom").ToProto()));
  ASSERT_NE(error.failure(), nullptr);
  EXPECT_EQ(error.failure()->application_type(), "Boom");
  Error copy = error;
  EXPECT_EQ(copy.failure()->message(), "boom");
}

}  // namespace
}  // namespace temporal
