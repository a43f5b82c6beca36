// The question the gateway asks the control plane about each IAM token login, and the answer. The
// gateway holds no IAM state and no secret key: it sends the token it received, over a private unix
// socket (<data>/gateway/iam.sock), and the control plane verifies the signature against its IAM and
// evaluates `rds-db:connect` (server/iam_db_login.h). This is the codec of that exchange. Pure: no I/O.
//
// A frame is a u32 big-endian payload length, then the payload: a version byte (1), a kind byte ('Q'
// for a question, 'A' for an answer), and the fields in a fixed order, each a u32 big-endian length and
// its bytes. Every length is capped, and a frame must hold exactly its fields, so a peer that writes
// junk is refused rather than misread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/secret.h"

namespace borealis::auth {

// Tokens are at most 8 KiB (sigv4::kMaxDbAuthTokenLength); anything longer never reaches the socket.
inline constexpr std::size_t kMaxIamExchangeField = 8192;
inline constexpr std::size_t kMaxIamExchangeFrame = 6 * (kMaxIamExchangeField + 4) + 16;

struct IamLoginQuestion {
  std::uint64_t id = 0;        // echoed in the answer, so a late answer is never taken for another
  std::string cluster_id;      // the endpoint's cluster: the control plane looks up host, port, region
  std::string db_user;         // the role named in the startup packet
  std::string client_address;  // the client's IP address (aws:SourceIp)
  Secret token;                // the password the client sent
};

enum class IamLoginOutcome : std::uint8_t {
  allowed = 1,
  refused = 2,      // the token or the policies say no
  unavailable = 3,  // the control plane could not decide (store error): fail closed
};

struct IamLoginAnswer {
  std::uint64_t id = 0;
  IamLoginOutcome outcome = IamLoginOutcome::refused;
  std::string access_key_id;   // when the token named one (for the audit line)
  std::string principal;       // the caller's ARN when the key resolved
  std::string client_message;  // for the client's FATAL DETAIL: never a secret
  std::string log_reason;      // for the audit line: which rule or statement decided
};

template <class T>
struct IamExchangeDecode {
  enum class Status { need_more, ok, error };
  Status status = Status::need_more;
  T message{};
  std::size_t consumed = 0;  // bytes of the whole frame, when ok
  std::string error;         // when error
};

// Appends one frame to `out`. A field over kMaxIamExchangeField is an error the caller must avoid
// (the gateway refuses such a token before asking); encoding truncates nothing and returns false.
bool encode_iam_question(std::string& out, const IamLoginQuestion& question);
bool encode_iam_answer(std::string& out, const IamLoginAnswer& answer);

IamExchangeDecode<IamLoginQuestion> decode_iam_question(std::string_view bytes);
IamExchangeDecode<IamLoginAnswer> decode_iam_answer(std::string_view bytes);

}  // namespace borealis::auth
