#include "krb/exchange.h"

namespace borealis::krb {

Result<std::string> wrap_message(const GssContext& context, std::string_view plaintext, bool confidential) {
  if (!context) return make_error(Errc::internal, "gss_wrap without an established context");
  OM_uint32 minor = 0;
  int conf_state = 0;
  gss_buffer_desc input = borrow_buffer(plaintext);
  GssBuffer output;
  const OM_uint32 major =
      gss_wrap(&minor, context.get(), confidential ? 1 : 0, GSS_C_QOP_DEFAULT, &input, &conf_state, output.out());
  if (major != GSS_S_COMPLETE) return GssError::capture("gss_wrap", major, minor).to_error(Errc::internal);
  if (confidential && conf_state == 0) return make_error(Errc::unsupported, "gss_wrap: confidentiality not provided");
  return std::string(output.view());
}

Result<std::size_t> max_plaintext_for(const GssContext& context, std::size_t max_token_bytes, bool confidential) {
  if (!context) return make_error(Errc::internal, "gss_wrap_size_limit without an established context");
  if (max_token_bytes > 0xffffffffu) return make_error(Errc::invalid_argument, "token size limit too large");
  OM_uint32 minor = 0;
  OM_uint32 max_input = 0;
  const OM_uint32 major = gss_wrap_size_limit(&minor, context.get(), confidential ? 1 : 0, GSS_C_QOP_DEFAULT,
                                              static_cast<OM_uint32>(max_token_bytes), &max_input);
  if (major != GSS_S_COMPLETE) return GssError::capture("gss_wrap_size_limit", major, minor).to_error(Errc::internal);
  return static_cast<std::size_t>(max_input);
}

Result<std::string> unwrap_message(const GssContext& context, std::string_view token, bool require_confidentiality) {
  if (!context) return make_error(Errc::internal, "gss_unwrap without an established context");
  if (token.size() > kMaxWrappedTokenBytes) {
    return make_error(Errc::too_large, "wrapped token of " + std::to_string(token.size()) + " bytes exceeds the " +
                                           std::to_string(kMaxWrappedTokenBytes) + "-byte cap");
  }
  OM_uint32 minor = 0;
  int conf_state = 0;
  gss_qop_t qop = 0;
  gss_buffer_desc input = borrow_buffer(token);
  GssBuffer output;
  const OM_uint32 major = gss_unwrap(&minor, context.get(), &input, output.out(), &conf_state, &qop);
  // Supplementary bits (duplicate / old / unsequenced token) are refused as well: on a stream
  // they mean replay or reordering.
  if (major != GSS_S_COMPLETE) return GssError::capture("gss_unwrap", major, minor).to_error(Errc::protocol_violation);
  if (require_confidentiality && conf_state == 0) {
    return make_error(Errc::protocol_violation, "gss_unwrap: message was not encrypted (conf_state 0)");
  }
  return std::string(output.view());
}

}  // namespace borealis::krb
