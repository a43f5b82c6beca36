// The directory model (a managed Kerberos realm, AWS Directory Service's CreateMicrosoftAD shape):
// ids, names, stages and the validation rules AWS applies. Pure: no I/O, no processes.
// It must never put a password into an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace borealis::directory {

// AWS DirectoryStage values that borealis uses (Created/Inoperable/Impaired/... are not reached).
enum class DirectoryStage { requested, creating, active, failed, deleting, deleted };

// "Requested", "Creating", "Active", "Failed", "Deleting", "Deleted" — exactly AWS's strings.
std::string_view to_string(DirectoryStage stage) noexcept;
std::optional<DirectoryStage> stage_from_string(std::string_view text) noexcept;

// The principal every managed directory gets, like AWS Managed Microsoft AD's `Admin`.
inline constexpr std::string_view kAdminPrincipal = "Admin";

struct Directory {
  std::string id;          // "d-" + 10 lower-case hex
  std::string dns_name;    // "corp.example.com" (stored lower-case)
  std::string realm;       // "CORP.EXAMPLE.COM"
  std::string short_name;  // NetBIOS-like, "CORP"
  std::string description;
  DirectoryStage stage = DirectoryStage::requested;
  std::string stage_reason;
  // Where the realm's daemons listen. Loopback only: the gateway and local clients are the users.
  std::string kdc_address = "127.0.0.1";
  std::uint16_t kdc_port = 0;      // krb5kdc, UDP and TCP
  std::uint16_t kadmin_port = 0;   // kadmind (kadmin protocol), TCP
  std::uint16_t kpasswd_port = 0;  // kadmind's password-change service, UDP and TCP
};

struct CreateDirectoryRequest {
  std::string name;        // DNS name
  std::string short_name;  // optional; default: first label upper-cased
  std::string description;
  std::string kdc_address = "127.0.0.1";
  std::uint16_t kdc_port = 0;
  std::uint16_t kadmin_port = 0;
  std::uint16_t kpasswd_port = 0;
};

// Limits from the AWS API model and DNS (name ≤ 253, label ≤ 63, ShortName ≤ 15,
// Description ≤ 128, Password 8–64).
inline constexpr std::size_t kMaxDnsNameLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxShortNameLength = 15;
inline constexpr std::size_t kMaxDescriptionLength = 128;
inline constexpr std::size_t kMinAdminPasswordLength = 8;
inline constexpr std::size_t kMaxAdminPasswordLength = 64;

std::string new_directory_id();
bool valid_directory_id(std::string_view id) noexcept;

// At least two labels of [A-Za-z0-9-] (1–63 chars, no leading/trailing '-'), ≤ 253 chars in total,
// last label not all digits.
Status validate_dns_name(std::string_view name);
// 1–15 characters of [A-Za-z0-9-], not starting with '-'.
Status validate_short_name(std::string_view name);
// AWS: 8–64 characters and at least 3 of: lower case, upper case, digit, non-alphanumeric. borealis
// also refuses control characters and whitespace other than ' ' (passwords are fed to the Kerberos
// tools as lines on stdin, so a newline would split one). The message never contains the password.
Status validate_admin_password(const Secret& password);
// A dotted-quad in 127.0.0.0/8.
Status validate_loopback_address(std::string_view address);

std::string realm_for(std::string_view dns_name);
std::string default_short_name(std::string_view dns_name);

// Validates the request and builds a Directory in stage Requested with a fresh id.
Result<Directory> make_directory(const CreateDirectoryRequest& request);

// A principal name without realm that borealis accepts in kadmin queries: components of
// [A-Za-z0-9._-] separated by '/', 1–2 components, ≤ 255 chars. Keeps quoting and whitespace out of
// the kadmin.local command line.
bool valid_principal_name(std::string_view name) noexcept;
// "postgres/<host>" with a DNS-style host.
Result<std::string> postgres_service_principal(std::string_view host);

}  // namespace borealis::directory
