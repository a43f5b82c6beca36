// libFuzzer entry for the pgwire codec. Feeds arbitrary bytes to decode_initial, the frame splitter
// (at several caps), the gssenc packet decoder (both phases) and every body parser, over the whole
// input and over sub-slices, and checks the invariants the gateway relies on: nothing reads out of
// bounds (ASan), consumed never exceeds the input, a ready frame's size() equals consumed, prefixes
// never contradict the whole buffer, and anything a parser or the gssenc decoder accepts re-encodes
// to the same bytes (or, for error fields, the same fields).
// It must never write anything to disk itself; libFuzzer's corpus handling is the caller's choice.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "common/fuzz_check.h"
#include "pgwire/constants.h"
#include "pgwire/frame.h"
#include "pgwire/gssenc.h"
#include "pgwire/messages.h"
#include "pgwire/startup.h"

namespace {

using namespace borealis::pgwire;  // NOLINT: a fuzzer is one file of calls into this namespace

// Above this, checking every prefix of the input would make each run quadratic; sample instead.
constexpr std::size_t kAllPrefixesUpTo = 64;

bool same_verdict(const InitialDecode& a, const InitialDecode& b) {
  if (a.status != b.status) return false;
  if (a.status == InitialDecode::Status::error) {
    return a.error.code == b.error.code && a.error.message == b.error.message;
  }
  return a.consumed == b.consumed;
}

void check_initial(std::string_view in) {
  InitialDecode d = decode_initial(in);
  switch (d.status) {
    case InitialDecode::Status::need_more:
      FUZZ_CHECK(d.consumed == 0);
      break;
    case InitialDecode::Status::error:
      FUZZ_CHECK(!d.error.message.empty());
      FUZZ_CHECK(d.error.code == borealis::Errc::protocol_violation ||
                 d.error.code == borealis::Errc::too_large ||
                 d.error.code == borealis::Errc::unsupported);  // protocol version other than 3.x
      break;
    case InitialDecode::Status::ready: {
      FUZZ_CHECK(d.consumed >= 8 && d.consumed <= in.size() && d.consumed <= kMaxStartupPacket);
      std::string again;
      if (const auto* m = std::get_if<StartupMessage>(&d.packet)) {
        FUZZ_CHECK(!m->user().empty());
        FUZZ_CHECK(!m->database().empty());
        FUZZ_CHECK(m->params.size() <= kMaxStartupParams);
        FUZZ_CHECK((static_cast<std::uint32_t>(m->protocol) >> 16) == 3);
        for (std::size_t i = 0; i < m->params.size(); ++i) {
          FUZZ_CHECK(!m->params[i].first.empty());
          for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(m->params[i].first != m->params[j].first);
        }
        encode_startup_message(again, m->protocol, m->params);
      } else if (std::holds_alternative<SslRequest>(d.packet)) {
        encode_ssl_request(again);
      } else if (std::holds_alternative<GssEncRequest>(d.packet)) {
        encode_gssenc_request(again);
      } else {
        const auto& c = std::get<CancelRequest>(d.packet);
        encode_cancel_request(again, c.pid, c.secret);
      }
      // The accepted encoding is canonical: re-encoding reproduces the consumed bytes exactly.
      FUZZ_CHECK(again == in.substr(0, d.consumed));
      break;
    }
  }

  // A prefix either waits for more or already gives the whole buffer's verdict.
  auto check_prefix = [&](std::size_t n) {
    InitialDecode p = decode_initial(in.substr(0, n));
    FUZZ_CHECK(p.status == InitialDecode::Status::need_more || same_verdict(p, d));
  };
  if (in.size() <= kAllPrefixesUpTo) {
    for (std::size_t n = 0; n < in.size(); ++n) check_prefix(n);
  } else {
    for (std::size_t n = 0; n <= 16; ++n) check_prefix(n);
    for (std::size_t k = 1; k < 8; ++k) check_prefix(in.size() * k / 8);
    check_prefix(in.size() - 1);
    if (d.status == InitialDecode::Status::ready) check_prefix(d.consumed - 1);
  }
}

// ---- body parsers: anything accepted must re-encode to itself ----

std::string_view body_of(const std::string& wire) {
  FrameDecode d = decode_frame(wire, SIZE_MAX);
  FUZZ_CHECK(d.status == FrameDecode::Status::ready && d.consumed == wire.size());
  return d.frame.body;
}

void check_parsers(std::string_view body) {
  std::string out;
  if (auto r = parse_sasl_initial_response(body); r.ok()) {
    if (r->data) {
      encode_sasl_initial_response(out, r->mechanism, *r->data);
    } else {
      encode_sasl_initial_response_without_data(out, r->mechanism);
    }
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_password_message(body); r.ok()) {
    encode_password_message(out, *r);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_auth_code(body); r.ok()) {
    switch (*r) {
      case AuthCode::ok: encode_auth_ok(out); break;
      case AuthCode::cleartext_password: encode_auth_cleartext_password(out); break;
      case AuthCode::gss: encode_auth_gss(out); break;
      default: break;  // variable bodies are checked by their own parsers below
    }
    if (!out.empty()) FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_auth_sasl_mechanisms(body); r.ok()) {
    FUZZ_CHECK(!r->empty());
    encode_auth_sasl(out, *r);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_auth_data(body); r.ok()) {
    auto code = parse_auth_code(body);
    FUZZ_CHECK(code.ok());
    if (*code == AuthCode::gss_continue) encode_auth_gss_continue(out, *r);
    if (*code == AuthCode::sasl_continue) encode_auth_sasl_continue(out, *r);
    if (*code == AuthCode::sasl_final) encode_auth_sasl_final(out, *r);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_negotiate_protocol_version(body); r.ok()) {
    encode_negotiate_protocol_version(out, r->minor, r->unrecognised_options);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_parameter_status(body); r.ok()) {
    encode_parameter_status(out, r->name, r->value);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_backend_key_data(body); r.ok()) {
    encode_backend_key_data(out, r->pid, r->secret);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_ready_for_query(body); r.ok()) {
    encode_ready_for_query(out, *r);
    FUZZ_CHECK(body_of(out) == body);
  }
  out.clear();
  if (auto r = parse_error_fields(body); r.ok()) {
    // Not byte-canonical (unknown fields are dropped), but the fields borealis reads must survive.
    encode_error_response(out, *r);
    auto again = parse_error_fields(body_of(out));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->severity == r->severity && again->sqlstate == r->sqlstate &&
               again->message == r->message && again->detail == r->detail &&
               again->hint == r->hint);
  }
}

// ---- frames ----

void check_frames(std::string_view in, std::size_t max_len) {
  FrameDecode d = decode_frame(in, max_len);
  FrameHeader h = decode_frame_header(in, max_len);
  switch (d.status) {
    case FrameDecode::Status::ready:
      FUZZ_CHECK(d.consumed == d.frame.size());
      FUZZ_CHECK(d.consumed <= in.size() && d.consumed <= max_len);
      FUZZ_CHECK(d.frame.body.data() == in.data() + 5);
      FUZZ_CHECK(h.status == FrameHeader::Status::ready && h.total == d.consumed &&
                 h.type == d.frame.type);
      break;
    case FrameDecode::Status::need_more:
      FUZZ_CHECK(d.consumed == 0);
      if (in.size() < 5) {
        FUZZ_CHECK(d.wanted == 0 && h.status == FrameHeader::Status::need_more);
      } else {
        FUZZ_CHECK(d.wanted > in.size() && d.wanted <= max_len);
        FUZZ_CHECK(h.status == FrameHeader::Status::ready && h.total == d.wanted);
      }
      break;
    case FrameDecode::Status::error:
      FUZZ_CHECK(in.size() >= 5 && !d.error.message.empty());
      FUZZ_CHECK(h.status == FrameHeader::Status::error && h.error.code == d.error.code);
      break;
  }
}

// Splits the input as a message stream and runs every parser on each frame body.
void walk_stream(std::string_view in) {
  std::string_view rest = in;
  while (!rest.empty()) {
    FrameDecode d = decode_frame(rest, kMaxAuthMessage);
    if (d.status != FrameDecode::Status::ready) break;
    FUZZ_CHECK(d.consumed > 0 && d.consumed <= rest.size());
    check_parsers(d.frame.body);
    rest.remove_prefix(d.consumed);
  }
}

// ---- gssenc packets: bodies inside the input, within the phase's cap, canonical ----

void check_gssenc_packet(std::string_view in, GssEncPhase phase) {
  const GssEncDecode d = decode_gssenc_packet(in, phase);
  switch (d.status) {
    case GssEncDecode::Status::packet: {
      FUZZ_CHECK(d.consumed == kGssEncLengthBytes + d.body.size() && d.consumed <= in.size());
      FUZZ_CHECK(!d.body.empty() && d.body.size() <= gssenc_max_token(phase));
      FUZZ_CHECK(d.body.data() == in.data() + kGssEncLengthBytes);
      std::string again;
      FUZZ_CHECK(encode_gssenc_packet(again, d.body, phase).ok());
      FUZZ_CHECK(again == in.substr(0, d.consumed));
      // Every strict prefix waits for more.
      for (std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{4}, d.consumed - 1}) {
        if (n >= d.consumed) continue;
        FUZZ_CHECK(decode_gssenc_packet(in.substr(0, n), phase).status == GssEncDecode::Status::need_more);
      }
      break;
    }
    case GssEncDecode::Status::need_more:
      FUZZ_CHECK(d.consumed == 0 && d.body.empty());
      if (in.size() < kGssEncLengthBytes) {
        FUZZ_CHECK(d.wanted == 0);
      } else {
        FUZZ_CHECK(d.wanted > in.size() && d.wanted <= kGssEncLengthBytes + gssenc_max_token(phase));
      }
      break;
    case GssEncDecode::Status::error:
      FUZZ_CHECK(in.size() >= kGssEncLengthBytes && !d.error.message.empty() && d.consumed == 0);
      break;
  }
}

void walk_gssenc(std::string_view in, GssEncPhase phase) {
  while (!in.empty()) {
    check_gssenc_packet(in, phase);
    const GssEncDecode d = decode_gssenc_packet(in, phase);
    if (d.status != GssEncDecode::Status::packet) return;
    in.remove_prefix(d.consumed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  check_initial(in);
  for (std::size_t max_len : {std::size_t{0}, std::size_t{5}, std::size_t{64}, kMaxPreAuthMessage,
                              kMaxAuthMessage, kMaxRelayedMessage, std::size_t{SIZE_MAX}}) {
    check_frames(in, max_len);
  }
  walk_stream(in);
  walk_gssenc(in, GssEncPhase::handshake);
  walk_gssenc(in, GssEncPhase::data);

  check_parsers(in);
  if (size >= 1) check_parsers(in.substr(1));
  if (size >= 2) {
    // A slice chosen by the first two bytes, so the fuzzer can steer parsers at any window.
    std::size_t start = data[0] % size;
    std::size_t len = data[1] % (size - start + 1);
    check_parsers(in.substr(start, len));
    check_initial(in.substr(start));
  }
  return 0;
}
