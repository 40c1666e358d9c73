// The template's placement (template.yaml `placement: {regions, profiles}`):
// a request naming a region the template does not list fails at once,
// naming it; an authorizer's PreviewPlan or Authorize for an unknown region
// or profile is refused by the validator (nothing reaches history), while a
// listed choice is planned. The worker reads a copy of the catalogue whose
// local-site lists two regions and two profiles; the runner plans the real
// local-site (provisioning_fixture.h says what runs).
#include "provisioning_fixture.h"

namespace provisio_test {
namespace {

class PlacementTest : public ProvisioningTest {
 protected:
  void SetUp() override {
    ProvisioningTest::SetUp();
    catalogue_ = fs::temp_directory_path() / ("provisio-placement-" + Random(8));
    fs::create_directories(catalogue_);
    fs::copy(fs::path(PROVISIO_SOURCE_DIR) / "templates" / "local-site", catalogue_ / "local-site");
    std::ofstream(catalogue_ / "local-site" / "template.yaml", std::ios::app)
        << "placement:\n  regions: [eu-west-1, us-east-1]\n  profiles: [small, large]\n";
    environment_.templates_dir = catalogue_;
    RestartWorker();
  }
  void TearDown() override {
    ProvisioningTest::TearDown();
    fs::remove_all(catalogue_);
  }

  static std::string Why(const temporal::Error& error) {
    return error.failure() != nullptr ? error.failure()->message() : error.ToString();
  }

  fs::path catalogue_;
};

TEST_F(PlacementTest, ARequestForARegionTheTemplateDoesNotListFailsNamingIt) {
  ProvisionRequest request = SiteRequest("site-" + Random(8));
  request.region = "mars-1";
  auto handle = Start(request);
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(result.error().failure(), nullptr);
  ASSERT_TRUE(result.error().failure()->cause().has_value()) << result.error();
  EXPECT_EQ(result.error().failure()->cause()->application_type(), "InvalidRequest");
  EXPECT_EQ(result.error().failure()->cause()->message(),
            "region: region \"mars-1\" is not one of the template's regions (eu-west-1, "
            "us-east-1)");
}

TEST_F(PlacementTest, AnUnknownRegionOrProfileIsRefusedAndAListedOneIsPlanned) {
  const std::string application = "site-" + Random(8);
  auto handle = Start(SiteRequest(application));
  const std::string first_hash = *WaitForStatus(handle, "AWAITING_AUTHORIZATION").plan_hash;

  auto region = handle.Update<provisio::model::Plan>(
      "PreviewPlan", provisio::model::PlanChoice{"ap-south-9", std::nullopt});
  ASSERT_FALSE(region.ok()) << "an unknown region was planned";
  EXPECT_NE(Why(region.error()).find("region \"ap-south-9\" is not one of the template's regions"),
            std::string::npos)
      << Why(region.error());
  auto profile = handle.Update<provisio::model::Plan>(
      "PreviewPlan", provisio::model::PlanChoice{"eu-west-1", "huge"});
  ASSERT_FALSE(profile.ok()) << "an unknown profile was planned";
  EXPECT_NE(Why(profile.error())
                .find("profile \"huge\" is not one of the template's profiles (small, large)"),
            std::string::npos)
      << Why(profile.error());
  // Authorize for an unknown region is refused for that reason, whatever the plan.
  SignedDecision elsewhere = Decision(application, "bob", "approve", first_hash);
  elsewhere.region = "ap-south-9";
  provisio::approval::Sign(elsewhere, settings_.approval_key);
  auto refused = handle.Update<std::string>("Authorize", elsewhere);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(Why(refused.error()).find("region \"ap-south-9\""), std::string::npos)
      << Why(refused.error());
  EXPECT_EQ(UpdatesAccepted(handle), 0);

  // A listed choice is planned, and can be approved.
  auto listed = handle.Update<provisio::model::Plan>(
      "PreviewPlan", provisio::model::PlanChoice{"eu-west-1", "small"});
  ASSERT_TRUE(listed.ok()) << listed.error();
  SignedDecision approve = Decision(application, "bob", "approve", listed->hash);
  approve.region = "eu-west-1";
  approve.profile = "small";
  provisio::approval::Sign(approve, settings_.approval_key);
  ASSERT_TRUE(Authorize(handle, approve));
  auto result = handle.GetResult<provisio::model::ProvisionResult>();
  ASSERT_TRUE(result.ok()) << result.error();
  started_.push_back("stack/" + application);
}

}  // namespace
}  // namespace provisio_test
