// SDK flags: new tasks use (and record) a flag; replayed tasks use it only
// where their recorded completion lists it.
#include <gtest/gtest.h>

#include "history_builder.h"
#include "temporal/detail/workflow_wrapper.h"
#include "temporal/workflow/workflow.h"
#include "workflow/workflow_instance.h"

namespace temporal::testing {
namespace {

namespace wf = temporal::workflow;

std::vector<bool> observed;  // what TryUseSdkFlag answered, per workflow task

wf::Task<int> AsksForFlagSeven() {
  auto* instance = dynamic_cast<wf::detail::WorkflowInstance*>(wf::detail::Runtime::Current());
  observed.push_back(instance->TryUseSdkFlag(7));
  co_await wf::Sleep(std::chrono::seconds(1));
  observed.push_back(instance->TryUseSdkFlag(7));
  co_return 0;
}

std::unique_ptr<wf::detail::WorkflowInstance> NewInstance() {
  return std::make_unique<wf::detail::WorkflowInstance>(
      temporal::detail::WrapWorkflow(AsksForFlagSeven), "default", "flags", "run-1",
      DataConverter::Default());
}

TEST(SdkFlagsTest, ANewTaskUsesTheFlagAndRecordsItOnce) {
  observed.clear();
  auto instance = NewInstance();
  auto history = HistoryBuilder()
                     .Started("AsksForFlagSeven")
                     .WorkflowTaskScheduled()
                     .WorkflowTaskStarted()
                     .Build();
  instance->ApplyEvents(history.events());
  EXPECT_EQ(observed, std::vector<bool>{true});
  EXPECT_EQ(instance->TakeNewSdkFlags(), std::vector<std::uint32_t>{7});
  EXPECT_TRUE(instance->TakeNewSdkFlags().empty());  // recorded once
}

TEST(SdkFlagsTest, ReplayUsesTheFlagOnlyWhereTheCompletionRecordedIt) {
  observed.clear();
  auto instance = NewInstance();
  // Task 1 was completed before flag 7 existed; task 2 recorded it.
  auto history = HistoryBuilder()
                     .Started("AsksForFlagSeven")
                     .WorkflowTask()
                     .TimerStarted("1", std::chrono::seconds(1))
                     .TimerFired("1")
                     .WorkflowTask()
                     .Edit([](temporal::api::history::v1::HistoryEvent& completed) {
                       completed.mutable_workflow_task_completed_event_attributes()
                           ->mutable_sdk_metadata()
                           ->add_lang_used_flags(7);
                     })
                     .WorkflowExecutionCompleted(0)
                     .Build();
  instance->ApplyEvents(history.events());
  EXPECT_EQ(observed, (std::vector<bool>{false, true}));
  EXPECT_TRUE(instance->TakeNewSdkFlags().empty());  // replay records nothing new
}

}  // namespace
}  // namespace temporal::testing
