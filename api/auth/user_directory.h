// api/auth/user_directory.h: people who sign in, their roles and passwords,
// in the platform database (users and user_roles of 0001, user_credentials
// of 0002). The API reads; `provisio user ...` writes.
//
// Roles are free names: those templates' approval policies name
// (platform-admin, dba, cloud-approver, ...) make their holders authorizers
// of those templates' requests; `operator` may intervene; `admin` breaks locks
// and manages users. Being a member of a team (team_members) is what lets
// someone request for it. Every call is one statement or one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "database/connection.h"
#include "temporal/error.h"

namespace provisio::api::auth {

/// UserRecord is a user as the API sees them.
struct UserRecord {
  std::string id;
  std::string display_name;
  std::string email;
  std::vector<std::string> roles;  // sorted
  std::vector<std::string> teams;  // sorted
  bool disabled = false;
};

/// IsUserId, IsRoleName: the shapes 0001's CHECK constraints allow.
bool IsUserId(const std::string& text);
bool IsRoleName(const std::string& text);

/// FindUser reads a user with roles and teams; nullopt when there is none.
temporal::Result<std::optional<UserRecord>> FindUser(database::Connection& db,
                                                     const std::string& id);

/// UsersHoldingAnyRole reads the enabled users who hold at least one of
/// `roles` (with all their roles and teams), sorted by id: who may decide on
/// a policy naming those roles.
temporal::Result<std::vector<UserRecord>> UsersHoldingAnyRole(
    database::Connection& db, const std::vector<std::string>& roles);

/// PasswordHashOf is the stored hash of an enabled user's password; nullopt
/// for an unknown or disabled user, or one without a password.
temporal::Result<std::optional<std::string>> PasswordHashOf(database::Connection& db,
                                                            const std::string& id);

/// AddUser creates a user with a password hash and roles, in one transaction.
/// kAlreadyExists for a taken id or email; kInvalidArgument for a bad id or role.
temporal::Status AddUser(database::Connection& db, const UserRecord& user,
                         const std::string& password_hash);

/// SetPasswordHash replaces a user's password and ends all their sessions.
/// kNotFound for an unknown user.
temporal::Status SetPasswordHash(database::Connection& db, const std::string& id,
                                 const std::string& password_hash);

/// SetRoles replaces a user's roles (they apply to the next request: the API
/// reads roles at every request). kNotFound for an unknown user.
temporal::Status SetRoles(database::Connection& db, const std::string& id,
                          const std::vector<std::string>& roles);

/// JoinTeam makes `user_id` a member of `team_id`, creating the team (named
/// after its id) when there is none; true when it created it. kNotFound for an
/// unknown user; kInvalidArgument for a bad team id.
temporal::Result<bool> JoinTeam(database::Connection& db, const std::string& user_id,
                                const std::string& team_id);

/// SplitList splits PostgreSQL's string_agg(..., ',') (empty -> none).
std::vector<std::string> SplitList(const std::string& joined);

}  // namespace provisio::api::auth
