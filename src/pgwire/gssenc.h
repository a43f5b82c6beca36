// Framing of PostgreSQL GSSAPI encryption ("gssenc"): after a GSSENCRequest is answered 'G', every
// byte in both directions is a packet of a 4-byte network-order length followed by that many bytes
// of GSS output — handshake tokens (gss_init/accept_sec_context) first, then gss_wrap tokens.
// Pure and zero-copy: it never touches a socket or GSSAPI, never decrypts, and never accepts a
// length above the cap of the phase it is told about (the stream cannot be resynchronised after a
// bad length, so every such case is a terminal error, not need_more).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::pgwire {

// The length word in front of every gssenc packet.
inline constexpr std::size_t kGssEncLengthBytes = 4;
// PQ_GSS_MAX_PACKET_SIZE (PostgreSQL 16+): one data packet is at most 16384 bytes INCLUDING its
// length word; both sides size buffers by it, so it is part of the protocol. PostgreSQL 12-15 call
// it PQ_GSS_SEND/RECV_BUFFER_SIZE with the same value: the PG15 backend refuses a body above
// 16384 - 4, and libpq 15's pg_GSS_write refuses to produce one, so this cap accepts every data
// packet real libpq (any version) sends, and nothing a real server would refuse.
inline constexpr std::size_t kGssEncMaxPacket = 16384;
inline constexpr std::size_t kGssEncMaxDataToken = kGssEncMaxPacket - kGssEncLengthBytes;  // 16380
// One handshake token (body, without the length word). Active Directory service tickets carry a
// PAC that can reach tens of KiB; PostgreSQL (PQ_GSS_AUTH_BUFFER_SIZE) allows 65536 bytes
// including the length word, PG15's backend only 16384 of body. Equal to
// krb::kMaxHandshakeTokenBytes (pgwire does not depend on krb; the gateway static_asserts it), a
// superset of both, so a real client's token is never refused here before GSS judges it.
inline constexpr std::size_t kGssEncMaxHandshakeToken = 64 * 1024;

// Which cap applies: the negotiation (tokens of gss_init/accept_sec_context) or the encrypted
// stream after it (gss_wrap tokens).
enum class GssEncPhase { handshake, data };

std::size_t gssenc_max_token(GssEncPhase phase) noexcept;

struct GssEncDecode {
  enum class Status { need_more, packet, error } status = Status::need_more;
  std::size_t consumed = 0;  // length word + body when Status::packet, else 0
  std::string_view body;     // the GSS token; points into the caller's buffer
  // When need_more and the length word is known: the total bytes the packet needs (0 if unknown).
  std::size_t wanted = 0;
  Error error;  // zero length (no GSS token is empty) or a body above the phase's cap
};

// Decodes the packet at the start of `buf`.
GssEncDecode decode_gssenc_packet(std::string_view buf, GssEncPhase phase);

// Appends one packet (length word + token) to `out`. Refuses an empty token or one above the
// phase's cap (the peer would drop the connection), leaving `out` unchanged.
Status encode_gssenc_packet(std::string& out, std::string_view token, GssEncPhase phase);

}  // namespace borealis::pgwire
