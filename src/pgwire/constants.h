// PostgreSQL frontend/backend protocol constants and the hard caps borealis puts on untrusted input.
// Pure data: no I/O, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace borealis::pgwire {

constexpr std::int32_t kProtocolV3 = 3 << 16;            // 196608
constexpr std::int32_t kCancelRequestCode = 80877102;     // 1234 << 16 | 5678
constexpr std::int32_t kSslRequestCode = 80877103;        // 1234 << 16 | 5679
constexpr std::int32_t kGssEncRequestCode = 80877104;     // 1234 << 16 | 5680

// PostgreSQL's own MAX_STARTUP_PACKET_LENGTH: a longer startup packet is an attack or a bug.
constexpr std::size_t kMaxStartupPacket = 10000;
// More parameters than any real client sends; each costs a map entry per pooled backend.
constexpr std::size_t kMaxStartupParams = 64;
// SASL/password/GSS messages during authentication. GSS tokens may reach 64 KiB (AD tickets carry a
// PAC) and IAM tokens are ~1-2 KiB; nothing legitimate is larger.
constexpr std::size_t kMaxAuthMessage = 65536 + 1024;
// Any other frontend message the gateway must parse itself before a backend is attached.
constexpr std::size_t kMaxPreAuthMessage = 8192;
// Ceiling for a relayed message (PostgreSQL's own limit for COPY data and queries is 1 GiB).
constexpr std::size_t kMaxRelayedMessage = std::size_t{1} << 30;

// Authentication request codes ('R' messages).
enum class AuthCode : std::int32_t {
  ok = 0,
  cleartext_password = 3,
  md5_password = 5,
  gss = 7,
  gss_continue = 8,
  sspi = 9,
  sasl = 10,
  sasl_continue = 11,
  sasl_final = 12,
};

// Transaction status byte of ReadyForQuery.
enum class TxStatus : char { idle = 'I', in_transaction = 'T', failed = 'E' };

}  // namespace borealis::pgwire
