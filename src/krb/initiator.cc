#include "krb/initiator.h"

#include <gssapi/gssapi_krb5.h>

namespace borealis::krb {
namespace {

constexpr OM_uint32 kRequestedFlags =
    GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;

}  // namespace

struct Initiator::Impl {
  GssCred credentials;
  GssName target;
  GssContext context;
  State state = State::start;

  Step fail(std::string log_reason) {
    state = State::failed;
    context.reset();
    Step s;
    s.outcome = Step::Outcome::failed;
    s.log_reason = std::move(log_reason);
    s.client_reason = "GSSAPI authentication failed";
    return s;
  }

  Step on_token(const gss_buffer_desc* input) {
    OM_uint32 minor = 0;
    GssBuffer output;
    const OM_uint32 major = gss_init_sec_context(
        &minor, credentials.get(), context.in_out(), target.get(), gss_mech_krb5, kRequestedFlags, GSS_C_INDEFINITE,
        GSS_C_NO_CHANNEL_BINDINGS, const_cast<gss_buffer_t>(input), nullptr, output.out(), nullptr, nullptr);
    if (major != GSS_S_COMPLETE && major != GSS_S_CONTINUE_NEEDED) {
      return fail(GssError::capture("gss_init_sec_context", major, minor).describe());
    }
    Step s;
    s.output_token = Secret(std::string(output.view()));
    if (major == GSS_S_CONTINUE_NEEDED) {
      state = State::expect_token;
      s.outcome = Step::Outcome::continue_needed;
    } else {
      state = State::succeeded;
      s.outcome = Step::Outcome::complete;
    }
    return s;
  }
};

Initiator::Initiator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Initiator::~Initiator() = default;
Initiator::Initiator(Initiator&&) noexcept = default;
Initiator& Initiator::operator=(Initiator&&) noexcept = default;

Result<Initiator> Initiator::create(std::string_view ccache_path, const Target& target) {
  auto impl = std::make_unique<Impl>();
  auto cred = acquire_initiator_credentials(ccache_path);
  if (!cred) return std::move(cred).error();
  impl->credentials = std::move(cred).value();

  OM_uint32 minor = 0;
  gss_buffer_desc text = borrow_buffer(target.name);
  const gss_OID type =
      target.kind == Target::Kind::hostbased_service ? GSS_C_NT_HOSTBASED_SERVICE : GSS_KRB5_NT_PRINCIPAL_NAME;
  const OM_uint32 major = gss_import_name(&minor, &text, type, impl->target.out());
  if (GSS_ERROR(major)) return GssError::capture("gss_import_name", major, minor).to_error(Errc::invalid_argument);
  return Initiator(std::move(impl));
}

Initiator::State Initiator::state() const noexcept { return impl_ ? impl_->state : State::failed; }

Step Initiator::step(std::string_view server_token) {
  if (!impl_) {
    Step s;
    s.log_reason = "step on a moved-from Initiator";
    return s;
  }
  switch (impl_->state) {
    case State::start:
      if (!server_token.empty()) return impl_->fail("server token before the first client token");
      return impl_->on_token(GSS_C_NO_BUFFER);
    case State::expect_token: {
      if (server_token.size() > kMaxHandshakeTokenBytes) return impl_->fail("server GSSAPI token exceeds the cap");
      const gss_buffer_desc input = borrow_buffer(server_token);
      return impl_->on_token(&input);
    }
    case State::succeeded:
    case State::failed:
      break;
  }
  return impl_->fail("GSSAPI token after the exchange ended");
}

Result<std::string> Initiator::wrap(std::string_view plaintext, bool confidential) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "wrap before the exchange completed");
  return wrap_message(impl_->context, plaintext, confidential);
}

Result<std::string> Initiator::unwrap(std::string_view token, bool require_confidentiality) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "unwrap before the exchange completed");
  return unwrap_message(impl_->context, token, require_confidentiality);
}

Result<std::size_t> Initiator::max_wrap_plaintext(std::size_t max_token_bytes) const {
  if (state() != State::succeeded) return make_error(Errc::internal, "size limit before the exchange completed");
  return max_plaintext_for(impl_->context, max_token_bytes, /*confidential=*/true);
}

}  // namespace borealis::krb
