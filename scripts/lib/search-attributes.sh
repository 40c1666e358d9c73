# shellcheck shell=bash
# The search attributes the platform's workflows set and the API lists by
# (docs/provisioning.md). scripts/dev-server registers them at start;
# scripts/register-search-attributes registers them on another cluster.
SEARCH_ATTRIBUTES=(
  ProvisioApplicationId=Keyword
  ProvisioTeam=Keyword
  ProvisioStatus=Keyword
  ProvisioStack=Keyword
  ProvisioTemplate=Keyword
  ProvisioProvider=Keyword
  ProvisioRequestedBy=Keyword
  ProvisioRegion=Keyword
  ProvisioResourceCount=Int
  ProvisioExpiresAt=Datetime
)
