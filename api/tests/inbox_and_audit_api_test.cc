// The inbox and the audit trail over HTTP, against the real PostgreSQL: the
// rows are written as the workflows' Notify and Audit activities write them
// (the end-to-end suite sees the workflows' own).
#include "api_fixture.h"

namespace provisio_api_test {
namespace {

class InboxAndAuditTest : public ApiTest {
 protected:
  void Notify(const std::string& id, const std::string& user, const std::string& kind,
              const std::string& created_at, bool read) {
    Sql("INSERT INTO notifications (id, user_id, kind, workflow_id, subject, body, created_at,"
        " read_at) VALUES ($1, $2, $3, 'app-1', 'subject ' || $1, '{\"n\": 1}', $4::timestamptz,"
        " CASE WHEN $5::boolean THEN now() END) RETURNING id",
        {id, user, kind, created_at, read ? "true" : "false"});
  }

  // A request's recorded state and an audit event of it.
  void RecordRequest(const std::string& workflow_id, const std::string& requester,
                     const std::string& team) {
    const nlohmann::json state = {{"status", "AWAITING_AUTHORIZATION"},
                                  {"requester", requester},
                                  {"team", team},
                                  {"policy", {{"roles", {"platform-admin"}}}}};
    Sql("INSERT INTO request_states (workflow_id, version, status, state) VALUES ($1, 1,"
        " 'AWAITING_AUTHORIZATION', $2::jsonb) RETURNING workflow_id",
        {workflow_id, state.dump()});
  }
  void Audit(const std::string& event_id, const std::string& workflow_id, const std::string& actor,
             const std::string& action, const std::string& at) {
    Sql("INSERT INTO audit_events (event_id, occurred_at, actor, action, workflow_id, details)"
        " VALUES ($1, $2::timestamptz, $3, $4, $5, '{\"k\": \"v\"}') RETURNING event_id",
        {event_id, at, actor, action, workflow_id});
  }

  static std::vector<std::string> Field(const nlohmann::json& items, const char* name) {
    std::vector<std::string> values;
    for (const auto& item : items) values.push_back(item[name]);
    return values;
  }
};

TEST_F(InboxAndAuditTest, TheInboxShowsUnreadFirstAndMarksRead) {
  const std::string me = User("authorizer");
  Notify("app-1/ask/" + me, me, "authorization_requested", "2026-01-01T10:00:00Z", false);
  Notify("app-2/done/" + me, me, "request_finished", "2026-01-01T12:00:00Z", true);
  Notify("app-3/ask/" + me, me, "authorization_requested", "2026-01-01T11:00:00Z", false);
  Notify("app-3/ask/" + User("authorizer2"), User("authorizer2"), "authorization_requested",
         "2026-01-01T11:00:00Z", false);

  HttpClient client = SignedIn(me);
  Reply inbox = client.Get("/api/notifications");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  EXPECT_EQ(Field(inbox.Json()["notifications"], "id"),
            (std::vector<std::string>{"app-3/ask/" + me, "app-1/ask/" + me, "app-2/done/" + me}));
  EXPECT_EQ(inbox.Json()["unread"], 2);
  EXPECT_EQ(inbox.Json()["notifications"][0]["body"], nlohmann::json({{"n", 1}}));
  EXPECT_FALSE(inbox.Json()["notifications"][0].contains("readAt"));

  // Marked read (the id's slashes percent-encoded); again changes nothing.
  const std::string path = "/api/notifications/app-3%2Fask%2F" + me + "/read";
  Reply read = client.Send(http::verb::post, path);
  EXPECT_EQ(read.status, 204) << read.body;
  const std::string first_read =
      Sql("SELECT read_at::text FROM notifications WHERE id = $1", {"app-3/ask/" + me}).at(0);
  EXPECT_EQ(client.Send(http::verb::post, path).status, 204);
  EXPECT_EQ(Sql("SELECT read_at::text FROM notifications WHERE id = $1", {"app-3/ask/" + me}),
            std::vector<std::string>{first_read});
  Reply unread = client.Get("/api/notifications?unread=true");
  EXPECT_EQ(Field(unread.Json()["notifications"], "id"),
            std::vector<std::string>{"app-1/ask/" + me});
  EXPECT_EQ(unread.Json()["unread"], 1);
  EXPECT_EQ(client.Get("/api/notifications?limit=1").Json()["notifications"].size(), 1u);

  // Another's notification is not found, nor marked.
  Reply others = client.Send(http::verb::post,
                             "/api/notifications/app-3%2Fask%2F" + User("authorizer2") + "/read");
  EXPECT_EQ(others.status, 404);
  EXPECT_EQ(Sql("SELECT count(*) FROM notifications WHERE read_at IS NULL AND user_id = $1",
                {User("authorizer2")}),
            std::vector<std::string>{"1"});
  // And someone else's inbox is their own.
  EXPECT_TRUE(SignedIn(User("outsider")).Get("/api/notifications").Json()["notifications"].empty());
  EXPECT_EQ(client.Get("/api/notifications?unread=yes").Json()["field"], "unread");
}

TEST_F(InboxAndAuditTest, TheAuditTrailIsFilteredPagedAndScoped) {
  const std::string ours = "ours-" + RandomHex(6);
  const std::string theirs = "theirs-" + RandomHex(6);
  RecordRequest(ours, User("requester"), Team());
  RecordRequest(theirs, "someone-else", "other-team");
  Audit(ours + "/1", ours, User("requester"), "request", "2026-02-01T10:00:00Z");
  Audit(ours + "/2", ours, User("authorizer"), "approve", "2026-02-01T11:00:00Z");
  Audit(ours + "/3", ours, "provisio", "destroy", "2026-02-01T12:00:00Z");
  Audit(theirs + "/1", theirs, "someone-else", "request", "2026-02-01T10:30:00Z");
  Audit("stack/" + ours + "/1", "stack/" + ours, User("admin"), "break-lock",
        "2026-02-01T13:00:00Z");

  // An operator reads everything, newest first, a page at a time.
  HttpClient operator_client = SignedIn(User("operator"));
  Reply all = operator_client.Get(
      "/api/audit?since=2026-02-01T00:00:00Z&until=2026-02-02T00:00:00Z"
      "&pageSize=2");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Field(all.Json()["events"], "eventId"),
            (std::vector<std::string>{"stack/" + ours + "/1", ours + "/3"}));
  std::vector<std::string> seen = Field(all.Json()["events"], "eventId");
  std::string token = all.Json()["nextPageToken"];
  while (!token.empty()) {
    Reply page = operator_client.Get(
        "/api/audit?since=2026-02-01T00:00:00Z&until=2026-02-02T00:00:00Z&pageSize=2&pageToken=" +
        token);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const std::string& id : Field(page.Json()["events"], "eventId")) seen.push_back(id);
    token = page.Json().value("nextPageToken", "");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"stack/" + ours + "/1", ours + "/3", ours + "/2",
                                            theirs + "/1", ours + "/1"}));

  // Filters.
  EXPECT_EQ(
      Field(
          operator_client.Get("/api/audit?workflowId=" + ours + "&action=approve").Json()["events"],
          "actor"),
      std::vector<std::string>{User("authorizer")});
  EXPECT_EQ(Field(operator_client.Get("/api/audit?actor=someone-else").Json()["events"], "eventId"),
            std::vector<std::string>{theirs + "/1"});

  // A team member reads only their team's request's events; an outsider none.
  Reply mine = SignedIn(User("mate")).Get("/api/audit?since=2026-02-01T00:00:00Z");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Field(mine.Json()["events"], "eventId"),
            (std::vector<std::string>{ours + "/3", ours + "/2", ours + "/1"}));
  // An authorizer also those their roles decide (both requests' policy).
  EXPECT_EQ(
      Field(SignedIn(User("authorizer")).Get("/api/audit").Json()["events"], "eventId").size(), 4u);
  EXPECT_TRUE(SignedIn(User("outsider")).Get("/api/audit").Json()["events"].empty());

  Reply bad = operator_client.Get("/api/audit?since=yesterday");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["field"], "since");
  EXPECT_EQ(operator_client.Get("/api/audit?pageToken=abc").Json()["field"], "pageToken");
}

}  // namespace
}  // namespace provisio_api_test
