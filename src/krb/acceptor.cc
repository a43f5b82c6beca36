#include "krb/acceptor.h"

#include <cassert>

namespace borealis::krb {
namespace {

constexpr const char* kClientFailure = "GSSAPI authentication failed";

Step failed_step(std::string log_reason, std::string client_reason = kClientFailure) {
  Step s;
  s.outcome = Step::Outcome::failed;
  s.log_reason = std::move(log_reason);
  s.client_reason = std::move(client_reason);
  return s;
}

}  // namespace

struct Acceptor::Impl {
  SharedCred credentials;
  GssContext context;
  State state = State::expect_token;
  std::string principal;
  OM_uint32 flags = 0;

  Step fail(std::string log_reason, std::string client_reason = kClientFailure) {
    state = State::failed;
    context.reset();
    return failed_step(std::move(log_reason), std::move(client_reason));
  }

  Step on_token(std::string_view token) {
    if (token.size() > kMaxHandshakeTokenBytes) {
      return fail("client GSSAPI token of " + std::to_string(token.size()) + " bytes exceeds the " +
                      std::to_string(kMaxHandshakeTokenBytes) + "-byte cap",
                  "GSSAPI token too large");
    }
    if (token.empty()) return fail("empty GSSAPI token from client");
    if (!credentials || !*credentials) return fail("acceptor has no credentials");

    OM_uint32 minor = 0;
    OM_uint32 ret_flags = 0;
    gss_buffer_desc input = borrow_buffer(token);
    GssName source;
    GssBuffer output;
    const OM_uint32 major =
        gss_accept_sec_context(&minor, context.in_out(), credentials->get(), &input, GSS_C_NO_CHANNEL_BINDINGS,
                               source.out(), nullptr, output.out(), &ret_flags, nullptr, nullptr);
    if (major == GSS_S_CONTINUE_NEEDED) {
      Step s;
      s.outcome = Step::Outcome::continue_needed;
      s.output_token = Secret(std::string(output.view()));
      return s;
    }
    if (major != GSS_S_COMPLETE) {
      // Read the status text now: it lives in the mechanism's thread state and `context` goes next.
      return fail(GssError::capture("gss_accept_sec_context", major, minor).describe());
    }
    auto name = display_name(source);
    if (!name) return fail(name.error().message);
    principal = std::move(name).value();
    flags = ret_flags;
    state = State::succeeded;
    Step s;
    s.outcome = Step::Outcome::complete;
    s.output_token = Secret(std::string(output.view()));
    return s;
  }
};

Acceptor::Acceptor(SharedCred credentials) : impl_(std::make_unique<Impl>()) {
  impl_->credentials = std::move(credentials);
}
Acceptor::~Acceptor() = default;
Acceptor::Acceptor(Acceptor&&) noexcept = default;
Acceptor& Acceptor::operator=(Acceptor&&) noexcept = default;

Acceptor::State Acceptor::state() const noexcept { return impl_ ? impl_->state : State::failed; }

Step Acceptor::step(std::string_view client_token) {
  if (!impl_) return failed_step("step on a moved-from Acceptor");
  switch (impl_->state) {
    case State::expect_token:
      return impl_->on_token(client_token);
    case State::succeeded:
      return impl_->fail("GSSAPI token after the exchange completed");
    case State::failed:
      return failed_step("GSSAPI token after the exchange failed");
  }
  return failed_step("unknown acceptor state");
}

const std::string& Acceptor::client_principal() const {
  assert(state() == State::succeeded);
  return impl_->principal;
}

bool Acceptor::confidentiality_available() const {
  return state() == State::succeeded && (impl_->flags & GSS_C_CONF_FLAG) != 0;
}

Result<std::string> Acceptor::wrap(std::string_view plaintext, bool confidential) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "wrap before the exchange completed");
  return wrap_message(impl_->context, plaintext, confidential);
}

Result<std::string> Acceptor::unwrap(std::string_view token, bool require_confidentiality) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "unwrap before the exchange completed");
  return unwrap_message(impl_->context, token, require_confidentiality);
}

Result<std::size_t> Acceptor::max_wrap_plaintext(std::size_t max_token_bytes) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "size limit before the exchange completed");
  return max_plaintext_for(impl_->context, max_token_bytes, /*confidential=*/true);
}

}  // namespace borealis::krb
