// DataConverter::EncodeFailure / DecodeFailure: codecs over every payload of a
// failure chain, and the official SDKs' encoded common attributes.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "temporal/converter/aes_gcm_codec.h"
#include "temporal/converter/data_converter.h"
#include "temporal/failure.h"

namespace temporal {
namespace {

using FailureProto = temporal::api::failure::v1::Failure;

DataConverter EncryptingConverter(bool encode_common_attributes) {
  auto codec = AesGcmCodec::Create("key-1", Bytes(32, std::byte{3}));
  EXPECT_TRUE(codec.ok());
  DataConverter converter;
  converter.AddCodec(*codec).SetEncodeCommonAttributes(encode_common_attributes);
  return converter;
}

// ActivityFailure <- ApplicationFailure(details) <- TimeoutFailure(heartbeat details)
//   <- CanceledFailure(details) <- ResetWorkflowFailure(heartbeat details)
FailureProto NestedFailure() {
  FailureProto reset;
  reset.set_message("reset");
  reset.set_stack_trace("reset-stack");
  reset.mutable_reset_workflow_failure_info()
      ->mutable_last_heartbeat_details()
      ->add_payloads()
      ->CopyFrom(*ToPayload(std::string("reset-detail")));

  FailureProto canceled =
      CanceledFailure("stop").WithDetails(std::string("cancel-detail")).ToProto();
  *canceled.mutable_cause() = reset;

  FailureProto timeout;
  timeout.set_message("heartbeat timeout");
  timeout.mutable_timeout_failure_info()->set_timeout_type(
      temporal::api::enums::v1::TIMEOUT_TYPE_HEARTBEAT);
  *timeout.mutable_timeout_failure_info()->mutable_last_heartbeat_details()->add_payloads() =
      *ToPayload(std::string("progress-50"));
  *timeout.mutable_cause() = canceled;

  FailureProto application = ApplicationFailure("bucket exists", "BucketExists", true)
                                 .WithDetails(std::string("eu-west-1"), 42)
                                 .ToProto();
  application.set_stack_trace("at Provision()");
  *application.mutable_cause() = timeout;

  FailureProto activity;
  activity.set_message("activity error");
  activity.mutable_activity_failure_info()->mutable_activity_type()->set_name("CreateBucket");
  *activity.mutable_cause() = application;
  return activity;
}

std::string Encoding(const Payload& payload) { return payload.metadata().at("encoding"); }

TEST(FailureEncoding, EveryPayloadInTheCauseChainIsEncodedAndDecoded) {
  DataConverter converter = EncryptingConverter(false);
  const FailureProto original = NestedFailure();
  FailureProto failure = original;
  ASSERT_TRUE(converter.EncodeFailure(&failure).ok());

  const FailureProto& application = failure.cause();
  const FailureProto& timeout = application.cause();
  const FailureProto& canceled = timeout.cause();
  const FailureProto& reset = canceled.cause();
  ASSERT_EQ(application.application_failure_info().details().payloads_size(), 2);
  for (const Payload& payload : application.application_failure_info().details().payloads()) {
    EXPECT_EQ(Encoding(payload), "binary/encrypted");
  }
  EXPECT_EQ(Encoding(timeout.timeout_failure_info().last_heartbeat_details().payloads(0)),
            "binary/encrypted");
  EXPECT_EQ(Encoding(canceled.canceled_failure_info().details().payloads(0)), "binary/encrypted");
  EXPECT_EQ(Encoding(reset.reset_workflow_failure_info().last_heartbeat_details().payloads(0)),
            "binary/encrypted");
  // Common attributes stay in clear when not asked for.
  EXPECT_EQ(application.message(), "bucket exists");
  EXPECT_FALSE(application.has_encoded_attributes());

  // Byte equality also proves that no empty details were added where there were none.
  ASSERT_TRUE(converter.DecodeFailure(&failure).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(failure, original));
}

TEST(FailureEncoding, CommonAttributesMoveIntoEncodedAttributesAsJson) {
  DataConverter converter;  // no codec: the attributes payload stays readable
  converter.SetEncodeCommonAttributes(true);
  FailureProto failure;
  failure.set_message("boom");
  failure.set_stack_trace("at main()\nat run()");
  failure.mutable_application_failure_info()->set_type("Boom");
  ASSERT_TRUE(converter.EncodeFailure(&failure).ok());

  EXPECT_EQ(failure.message(), "Encoded failure");
  EXPECT_EQ(failure.stack_trace(), "");
  ASSERT_TRUE(failure.has_encoded_attributes());
  EXPECT_EQ(Encoding(failure.encoded_attributes()), "json/plain");
  EXPECT_EQ(failure.encoded_attributes().data(),
            "{\"message\":\"boom\",\"stack_trace\":\"at main()\\nat run()\"}");
  EXPECT_EQ(failure.application_failure_info().type(), "Boom");

  ASSERT_TRUE(converter.DecodeFailure(&failure).ok());
  EXPECT_EQ(failure.message(), "boom");
  EXPECT_EQ(failure.stack_trace(), "at main()\nat run()");
  EXPECT_FALSE(failure.has_encoded_attributes());
}

TEST(FailureEncoding, EncryptedCommonAttributesHideMessagesThroughTheChain) {
  DataConverter converter = EncryptingConverter(true);
  const FailureProto original = NestedFailure();
  FailureProto failure = original;
  ASSERT_TRUE(converter.EncodeFailure(&failure).ok());

  int depth = 0;
  for (const FailureProto* link = &failure; link != nullptr;
       link = link->has_cause() ? &link->cause() : nullptr, ++depth) {
    EXPECT_EQ(link->message(), "Encoded failure") << depth;
    EXPECT_EQ(link->stack_trace(), "") << depth;
    EXPECT_EQ(Encoding(link->encoded_attributes()), "binary/encrypted") << depth;
  }
  EXPECT_EQ(depth, 5);
  EXPECT_EQ(failure.SerializeAsString().find("bucket exists"), std::string::npos);

  ASSERT_TRUE(converter.DecodeFailure(&failure).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(failure, original));

  Failure decoded(failure);
  ASSERT_TRUE(decoded.cause().has_value());
  EXPECT_EQ(decoded.cause()->message(), "bucket exists");
  EXPECT_EQ(decoded.cause()->stack_trace(), "at Provision()");
  EXPECT_EQ(decoded.cause()->Details<std::string>(0).value(), "eu-west-1");
  EXPECT_EQ(decoded.cause()->Details<int>(1).value(), 42);
  EXPECT_EQ(decoded.cause()->cause()->Details<std::string>().value(), "progress-50");
}

TEST(FailureEncoding, DecodeRestoresAttributesEvenWhenEncodingIsOff) {
  FailureProto failure;
  failure.set_message("Encoded failure");
  *failure.mutable_encoded_attributes() =
      *ToPayload(nlohmann::json{{"message", "from TypeScript"}, {"stack_trace", "Error: x"}});
  ASSERT_TRUE(DataConverter().DecodeFailure(&failure).ok());
  EXPECT_EQ(failure.message(), "from TypeScript");
  EXPECT_EQ(failure.stack_trace(), "Error: x");
}

TEST(FailureEncoding, UnreadableEncodedAttributesAreLeftInPlace) {
  FailureProto failure;
  failure.set_message("Encoded failure");
  *failure.mutable_encoded_attributes() = *ToPayload(std::string("not an object"));
  ASSERT_TRUE(DataConverter().DecodeFailure(&failure).ok());
  EXPECT_EQ(failure.message(), "Encoded failure");
  EXPECT_TRUE(failure.has_encoded_attributes());
}

TEST(FailureEncoding, AlreadyEncodedAttributesAreNotEncodedTwice) {
  DataConverter converter;
  converter.SetEncodeCommonAttributes(true);
  FailureProto failure;
  failure.set_message("Encoded failure");
  *failure.mutable_encoded_attributes() =
      *ToPayload(nlohmann::json{{"message", "original"}, {"stack_trace", ""}});
  ASSERT_TRUE(converter.EncodeFailure(&failure).ok());
  ASSERT_TRUE(converter.DecodeFailure(&failure).ok());
  EXPECT_EQ(failure.message(), "original");
}

TEST(FailureEncoding, DecodingWithoutTheKeyIsACodecError) {
  FailureProto failure = NestedFailure();
  ASSERT_TRUE(EncryptingConverter(true).EncodeFailure(&failure).ok());
  auto other = AesGcmCodec::Create("key-2", Bytes(32, std::byte{4}));
  DataConverter converter;
  converter.AddCodec(*other);
  Status status = converter.DecodeFailure(&failure);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kCodec);
  EXPECT_NE(status.error().message().find("'key-1'"), std::string::npos);
}

}  // namespace
}  // namespace temporal
