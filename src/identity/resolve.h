// Access key id → what the router needs to check a SigV4 signature and know the caller.
// - the account root's keys        → Caller{root, arn:aws:iam::ACCT:root, user_id ACCT};
// - an Active key of an IAM user   → Caller{user, arn:aws:iam::ACCT:user/PATH/NAME, user_id AIDA…};
// - an unexpired STS session key   → Caller{assumed_role, arn:aws:sts::ACCT:assumed-role/ROLE/SESSION,
//   user_id ROLEID:SESSION, temporary, token_issue_time}, with credentials.expires_at.
// Inactive, deleted and unknown keys resolve to nullopt (the router answers InvalidClientTokenId), as
// does a session whose role is gone. An EXPIRED session resolves like a live one, with its
// credentials.expires_at in the past: every caller hands the result to the sigv4 verifier, which
// answers ExpiredToken after the session token matched (AWS's answer to credentials that have run
// out). Expired sessions are purged a day after their expiry (sts.cc), then they are unknown.
//
// SESSION TOKENS. The store keeps only SHA-256(token). resolve_access_key derives the token again
// from the session's access key id and the data dir's token key (session_tokens.h), checks it against
// the stored hash, and returns it in credentials.session_token, so the sigv4 verifier compares the
// presented X-Amz-Security-Token with it as usual: the router needs nothing special. A missing or
// replaced key file resolves no session (they all end).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "api/operation.h"

namespace borealis::store {
class Store;
}

namespace borealis::identity {

std::optional<api::ResolvedKey> resolve_access_key(store::Store& store, const api::ApiSettings& settings,
                                                   std::string_view access_key_id);

// Whether `presented` (the request's X-Amz-Security-Token) is the session's token, compared in constant
// time; false for keys that are not temporary or when nothing was presented. `key` is never changed:
// resolve_access_key already returns the real token, so calling this is optional (the verifier makes
// the same comparison); it lets a caller refuse early or log which check failed.
bool accept_presented_session_token(const api::ResolvedKey& key, std::optional<std::string_view> presented);

}  // namespace borealis::identity
