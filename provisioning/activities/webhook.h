// provisioning/activities/webhook.h: notifications to a chat webhook.
//
// When the deployment sets a webhook URL (PROVISIO_WEBHOOK_URL), each
// notification is also POSTed there as a Slack-compatible JSON body
// ({"text": ..., "blocks": [...]}, which Slack, Mattermost and most chat
// tools' incoming webhooks accept). The inbox row (Notify) is the record;
// the webhook is a courtesy: its activity retries a few times, and the
// workflow goes on when it still fails.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "activities/activity_environment.h"
#include "model/provision_request.h"

namespace provisio::activities {

/// SlackMessage is the JSON body posted for `input`.
nlohmann::json SlackMessage(const model::NotifyInput& input, const std::string& link_base);

/// PostJson POSTs `body` to `url` (http:// or https://, certificates
/// verified against the system's CAs) and returns the status code; throws
/// std::runtime_error naming the URL's host when it cannot connect or the
/// exchange exceeds `timeout`.
int PostJson(const std::string& url, const nlohmann::json& body, std::chrono::seconds timeout);

/// SendWebhook posts the notification when a webhook is configured; returns
/// whether it posted. A non-2xx answer is a retryable error; 4xx other than
/// 429 is non-retryable (the URL or body is wrong, and will stay so).
bool SendWebhook(const ActivityEnvironment& environment, const model::NotifyInput& input);

}  // namespace provisio::activities
