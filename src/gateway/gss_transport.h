// GSSAPI-encrypted transport (PostgreSQL "gssenc") over a non-blocking socket, server side: every
// byte on the wire is a gssenc packet (pgwire/gssenc.h) holding one confidential gss_wrap token.
// The GSS context is established elsewhere (the handshake blocks on the keytab and replay cache and
// runs on a worker); this transport only wraps and unwraps, which is CPU-only and safe on the event
// loop. It must never hand the caller bytes that did not arrive encrypted: a packet without
// confidentiality, one that fails to unwrap, an oversize or empty length and a stream that ends in
// the middle of a packet are all errors (the session closes), never plaintext.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "gateway/transport.h"
#include "krb/acceptor.h"

namespace borealis::gateway {

// `established` must be in Acceptor::State::succeeded with confidentiality negotiated.
// `already_received` is ciphertext the gateway read from the socket after the client's last
// handshake token (a client may pipeline its first wrapped packet); it is decoded before anything
// new is read. `fd` stays owned by the caller.
//
// Write contract (as OpenSSL's with SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, and PostgreSQL's
// be_gssapi_write): write() reports only plaintext whose packets reached the socket completely. When
// the socket blocks in the middle of a packet the rest of that packet is kept, and the caller must
// offer the unreported bytes again (as SocketIo does from its output queue); they are not encrypted
// twice. wants_write() is true while such a remainder is pending.
Result<std::unique_ptr<Transport>> make_gss_server_transport(int fd, std::shared_ptr<krb::Acceptor> established,
                                                            std::string already_received);

}  // namespace borealis::gateway
