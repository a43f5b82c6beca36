// Directory model and validation (see directory.h).
#include "directory/directory.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/random.h"

namespace borealis::directory {

namespace {

constexpr std::array<std::pair<DirectoryStage, std::string_view>, 6> kStages{{
    {DirectoryStage::requested, "Requested"},
    {DirectoryStage::creating, "Creating"},
    {DirectoryStage::active, "Active"},
    {DirectoryStage::failed, "Failed"},
    {DirectoryStage::deleting, "Deleting"},
    {DirectoryStage::deleted, "Deleted"},
}};

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

Error invalid(std::string message) { return make_error(Errc::invalid_argument, std::move(message)); }

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

}  // namespace

std::string_view to_string(DirectoryStage stage) noexcept {
  for (const auto& [s, name] : kStages)
    if (s == stage) return name;
  return "Failed";
}

std::optional<DirectoryStage> stage_from_string(std::string_view text) noexcept {
  for (const auto& [s, name] : kStages)
    if (name == text) return s;
  return std::nullopt;
}

std::string new_directory_id() { return "d-" + random::hex(10); }

bool valid_directory_id(std::string_view id) noexcept {
  if (id.size() != 12 || id.substr(0, 2) != "d-") return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status validate_dns_name(std::string_view name) {
  if (name.empty()) return invalid("directory name is empty");
  if (name.size() > kMaxDnsNameLength)
    return invalid("directory name is longer than " + std::to_string(kMaxDnsNameLength) + " characters");
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!valid_label(label))
      return invalid("directory name label '" + std::string(label) +
                     "' must be 1-63 letters, digits or '-', not starting or ending with '-'");
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return invalid("directory name must be a fully qualified DNS name such as corp.example.com");
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return invalid("directory name's top-level label must not be all digits");
  return ok_status();
}

Status validate_short_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxShortNameLength)
    return invalid("short name must be 1-15 characters");
  if (name.front() == '-') return invalid("short name must not start with '-'");
  if (!std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '-'; }))
    return invalid("short name may hold only letters, digits and '-'");
  return ok_status();
}

Status validate_admin_password(const Secret& password) {
  auto pw = password.reveal();
  if (pw.size() < kMinAdminPasswordLength || pw.size() > kMaxAdminPasswordLength)
    return invalid("password must be 8-64 characters");
  bool lower = false, upper = false, digit = false, other = false;
  for (char ch : pw) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return invalid("password must not contain control characters");
    if (std::islower(c)) lower = true;
    else if (std::isupper(c)) upper = true;
    else if (std::isdigit(c)) digit = true;
    else if (c != ' ') other = true;  // AWS counts non-alphanumeric, non-whitespace characters
  }
  if (int(lower) + int(upper) + int(digit) + int(other) < 3)
    return invalid(
        "password must contain characters from at least three of: lower case, upper case, digits, "
        "non-alphanumeric characters");
  return ok_status();
}

Status validate_loopback_address(std::string_view address) {
  int parts = 0;
  std::size_t start = 0;
  int first = -1;
  while (start <= address.size()) {
    auto dot = address.find('.', start);
    auto part = address.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return invalid("KDC address must be an IPv4 loopback address (127.x.y.z)");
    if (part.size() > 1 && part.front() == '0') return invalid("KDC address must not have leading zeros");
    int value = std::stoi(std::string(part));
    if (value > 255) return invalid("KDC address must be an IPv4 loopback address (127.x.y.z)");
    if (parts == 0) first = value;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts != 4 || first != 127) return invalid("KDC address must be an IPv4 loopback address (127.x.y.z)");
  return ok_status();
}

std::string realm_for(std::string_view dns_name) {
  std::string out(dns_name);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string default_short_name(std::string_view dns_name) {
  auto first = dns_name.substr(0, dns_name.find('.'));
  return realm_for(first.substr(0, kMaxShortNameLength));
}

Result<Directory> make_directory(const CreateDirectoryRequest& request) {
  if (auto st = validate_dns_name(request.name); !st) return st.error();
  Directory d;
  d.dns_name = request.name;
  for (auto& c : d.dns_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  d.realm = realm_for(d.dns_name);
  d.short_name = request.short_name.empty() ? default_short_name(d.dns_name) : realm_for(request.short_name);
  if (auto st = validate_short_name(d.short_name); !st) return st.error();
  if (request.description.size() > kMaxDescriptionLength)
    return invalid("description is longer than 128 characters");
  d.description = request.description;
  if (auto st = validate_loopback_address(request.kdc_address); !st) return st.error();
  d.kdc_address = request.kdc_address;
  if (request.kdc_port == 0 || request.kadmin_port == 0 || request.kpasswd_port == 0)
    return invalid("KDC, kadmin and kpasswd ports must be set");
  if (request.kdc_port == request.kadmin_port || request.kdc_port == request.kpasswd_port ||
      request.kadmin_port == request.kpasswd_port)
    return invalid("KDC, kadmin and kpasswd ports must differ");
  d.kdc_port = request.kdc_port;
  d.kadmin_port = request.kadmin_port;
  d.kpasswd_port = request.kpasswd_port;
  d.id = new_directory_id();
  d.stage = DirectoryStage::requested;
  return d;
}

bool valid_principal_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  int components = 1;
  char prev = '/';
  for (char c : name) {
    if (c == '/') {
      if (prev == '/') return false;
      ++components;
    } else if (!(is_alnum(c) || c == '.' || c == '_' || c == '-')) {
      return false;
    }
    prev = c;
  }
  return prev != '/' && components <= 2 && name.front() != '-';
}

Result<std::string> postgres_service_principal(std::string_view host) {
  if (host.empty() || host.size() > kMaxDnsNameLength) return invalid("service host name is empty or too long");
  std::size_t start = 0;
  while (true) {
    auto dot = host.find('.', start);
    auto label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!valid_label(label)) return invalid("service host name '" + std::string(host) + "' is not a DNS name");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return "postgres/" + std::string(host);
}

}  // namespace borealis::directory
