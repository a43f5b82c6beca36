#include "auth/iam_exchange.h"

#include <optional>

namespace borealis::auth {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr char kQuestion = 'Q';
constexpr char kAnswer = 'A';

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// Builds a payload, then prefixes its length; refuses a field over the cap.
class Writer {
 public:
  explicit Writer(char kind) {
    payload_.push_back(static_cast<char>(kVersion));
    payload_.push_back(kind);
  }
  void u64(std::uint64_t v) { put_u64(payload_, v); }
  void byte(std::uint8_t v) { payload_.push_back(static_cast<char>(v)); }
  void field(std::string_view text) {
    if (text.size() > kMaxIamExchangeField) too_long_ = true;
    put_u32(payload_, static_cast<std::uint32_t>(text.size()));
    payload_.append(text);
  }
  bool finish(std::string& out) const {
    if (too_long_) return false;
    put_u32(out, static_cast<std::uint32_t>(payload_.size()));
    out += payload_;
    return true;
  }

 private:
  std::string payload_;
  bool too_long_ = false;
};

// Reads the fields of one payload in order; any shortfall or excess is an error.
class Reader {
 public:
  explicit Reader(std::string_view payload) : rest_(payload) {}
  std::optional<std::uint64_t> u64() {
    if (rest_.size() < 8) return std::nullopt;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(8);
    return v;
  }
  std::optional<std::uint8_t> byte() {
    if (rest_.empty()) return std::nullopt;
    auto v = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return v;
  }
  std::optional<std::string_view> field() {
    if (rest_.size() < 4) return std::nullopt;
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(rest_[i]);
    if (n > kMaxIamExchangeField || rest_.size() - 4 < n) return std::nullopt;
    std::string_view v = rest_.substr(4, n);
    rest_.remove_prefix(4 + n);
    return v;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Splits off one frame of `kind`: need_more, the payload after version and kind, or an error.
template <class T>
std::optional<std::string_view> frame_payload(std::string_view bytes, char kind, IamExchangeDecode<T>& d) {
  if (bytes.size() < 4) return std::nullopt;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  if (n > kMaxIamExchangeFrame) {
    d.status = IamExchangeDecode<T>::Status::error;
    d.error = "IAM exchange frame of " + std::to_string(n) + " bytes is over the limit";
    return std::nullopt;
  }
  if (bytes.size() - 4 < n) return std::nullopt;
  std::string_view payload = bytes.substr(4, n);
  if (payload.size() < 2 || static_cast<std::uint8_t>(payload[0]) != kVersion || payload[1] != kind) {
    d.status = IamExchangeDecode<T>::Status::error;
    d.error = "IAM exchange frame has an unknown version or kind";
    return std::nullopt;
  }
  d.consumed = 4 + n;
  return payload.substr(2);
}

template <class T>
IamExchangeDecode<T> malformed(const char* what) {
  IamExchangeDecode<T> d;
  d.status = IamExchangeDecode<T>::Status::error;
  d.error = std::string("malformed IAM exchange ") + what;
  return d;
}

}  // namespace

bool encode_iam_question(std::string& out, const IamLoginQuestion& q) {
  Writer w(kQuestion);
  w.u64(q.id);
  w.field(q.cluster_id);
  w.field(q.db_user);
  w.field(q.client_address);
  w.field(q.token.reveal());
  return w.finish(out);
}

bool encode_iam_answer(std::string& out, const IamLoginAnswer& a) {
  Writer w(kAnswer);
  w.u64(a.id);
  w.byte(static_cast<std::uint8_t>(a.outcome));
  w.field(a.access_key_id);
  w.field(a.principal);
  w.field(a.client_message);
  w.field(a.log_reason);
  return w.finish(out);
}

IamExchangeDecode<IamLoginQuestion> decode_iam_question(std::string_view bytes) {
  IamExchangeDecode<IamLoginQuestion> d;
  auto payload = frame_payload(bytes, kQuestion, d);
  if (!payload) return d;
  Reader r(*payload);
  auto id = r.u64();
  auto cluster = r.field();
  auto user = r.field();
  auto address = r.field();
  auto token = r.field();
  if (!id || !cluster || !user || !address || !token || !r.done()) return malformed<IamLoginQuestion>("question");
  d.message.id = *id;
  d.message.cluster_id = std::string(*cluster);
  d.message.db_user = std::string(*user);
  d.message.client_address = std::string(*address);
  d.message.token = Secret(std::string(*token));
  d.status = IamExchangeDecode<IamLoginQuestion>::Status::ok;
  return d;
}

IamExchangeDecode<IamLoginAnswer> decode_iam_answer(std::string_view bytes) {
  IamExchangeDecode<IamLoginAnswer> d;
  auto payload = frame_payload(bytes, kAnswer, d);
  if (!payload) return d;
  Reader r(*payload);
  auto id = r.u64();
  auto outcome = r.byte();
  auto key = r.field();
  auto principal = r.field();
  auto message = r.field();
  auto reason = r.field();
  if (!id || !outcome || !key || !principal || !message || !reason || !r.done()) return malformed<IamLoginAnswer>("answer");
  if (*outcome < static_cast<std::uint8_t>(IamLoginOutcome::allowed) ||
      *outcome > static_cast<std::uint8_t>(IamLoginOutcome::unavailable))
    return malformed<IamLoginAnswer>("answer outcome");
  d.message.id = *id;
  d.message.outcome = static_cast<IamLoginOutcome>(*outcome);
  d.message.access_key_id = std::string(*key);
  d.message.principal = std::string(*principal);
  d.message.client_message = std::string(*message);
  d.message.log_reason = std::string(*reason);
  d.status = IamExchangeDecode<IamLoginAnswer>::Status::ok;
  return d;
}

}  // namespace borealis::auth
