// PlanMismatch: when an approval still covers a fresh plan.
#include "workflows/plan_match.h"

#include <gtest/gtest.h>

namespace {

using provisio::model::AttributeChange;
using provisio::model::ResourceChange;
using provisio::workflows::PlanMismatch;

ResourceChange Create(const std::string& address, nlohmann::json content) {
  return ResourceChange{address, {"create"}, {AttributeChange{"content", std::nullopt, content}}};
}

TEST(PlanMatch, TheRestOfAnApprovedPlanIsCovered) {
  const std::vector<ResourceChange> approved = {Create("local_file.index", "<h1>hi</h1>"),
                                                Create("local_file.manifest", "{}")};
  EXPECT_EQ(PlanMismatch(approved, {Create("local_file.index", "<h1>hi</h1>")}), std::nullopt);
  EXPECT_EQ(PlanMismatch(approved, {}), std::nullopt);
}

TEST(PlanMatch, ANewResourceAnotherActionOrAnotherValueIsNot) {
  const std::vector<ResourceChange> approved = {Create("local_file.index", "<h1>hi</h1>")};
  EXPECT_EQ(PlanMismatch(approved, {Create("local_file.other", "x")}),
            "local_file.other was not in the approved plan");
  ResourceChange replace = Create("local_file.index", "<h1>hi</h1>");
  replace.actions = {"delete", "create"};
  EXPECT_EQ(PlanMismatch(approved, {replace}),
            "local_file.index would delete,create, the approved plan would create");
  EXPECT_EQ(PlanMismatch(approved, {Create("local_file.index", "<h1>changed</h1>")}),
            "local_file.index.content would differ from the approved plan");
  ResourceChange extra = Create("local_file.index", "<h1>hi</h1>");
  extra.changed.push_back(AttributeChange{"file_permission", std::nullopt, "0600"});
  EXPECT_EQ(PlanMismatch(approved, {extra}),
            "local_file.index.file_permission was not changed by the approved plan");
}

TEST(PlanMatch, UnknownAndSensitiveValuesMatchAnything) {
  const std::vector<ResourceChange> approved = {
      Create("random_password.db", "(known after apply)")};
  EXPECT_EQ(PlanMismatch(approved, {Create("random_password.db", "s3cret")}), std::nullopt);
  ResourceChange masked = Create("random_password.db", "(sensitive value)");
  masked.changed[0].sensitive = true;
  EXPECT_EQ(PlanMismatch({Create("random_password.db", "a")}, {masked}), std::nullopt);
}

// An interrupted create leaves its object tainted; replacing it finishes the
// approved create. Only that reason, and only where the approved plan creates.
TEST(PlanMatch, ReplacingATaintedObjectTheApprovedPlanCreatesIsCovered) {
  const std::vector<ResourceChange> approved = {Create("terraform_data.pace_2", "x")};
  ResourceChange tainted = Create("terraform_data.pace_2", "x");
  tainted.actions = {"delete", "create"};
  tainted.action_reason = "replace_because_tainted";
  EXPECT_EQ(PlanMismatch(approved, {tainted}), std::nullopt);
  tainted.actions = {"create", "delete"};  // create_before_destroy
  EXPECT_EQ(PlanMismatch(approved, {tainted}), std::nullopt);

  ResourceChange forced = tainted;
  forced.action_reason = "replace_because_cannot_update";
  EXPECT_EQ(PlanMismatch(approved, {forced}),
            "terraform_data.pace_2 would create,delete, the approved plan would create");
  ResourceChange updated = Create("terraform_data.pace_2", "x");
  updated.actions = {"update"};
  tainted.actions = {"delete", "create"};
  EXPECT_EQ(PlanMismatch({updated}, {tainted}),
            "terraform_data.pace_2 would delete,create, the approved plan would update");
  ResourceChange changed = tainted;
  changed.changed[0].after = "y";
  EXPECT_EQ(PlanMismatch(approved, {changed}),
            "terraform_data.pace_2.content would differ from the approved plan");
}

}  // namespace
