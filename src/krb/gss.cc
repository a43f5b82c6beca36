#include "krb/gss.h"

#include <gssapi/gssapi_krb5.h>

#include <cstdio>

namespace borealis::krb {
namespace {

// gss_display_status hands out one message per call; loop until message_context returns to 0.
// Bounded so a misbehaving mechanism cannot keep us here.
std::string display_status(OM_uint32 status, int type, gss_OID mech) {
  std::string text;
  OM_uint32 message_context = 0;
  for (int i = 0; i < 8; ++i) {
    OM_uint32 minor = 0;
    GssBuffer message;
    OM_uint32 major = gss_display_status(&minor, status, type, mech, &message_context, message.out());
    if (GSS_ERROR(major)) break;
    if (!message.empty()) {
      if (!text.empty()) text += "; ";
      text.append(message.view());
    }
    if (message_context == 0) break;
  }
  return text;
}

}  // namespace

GssError GssError::capture(std::string_view operation, OM_uint32 major, OM_uint32 minor) {
  GssError e;
  e.operation = std::string(operation);
  e.major = major;
  e.minor = minor;
  e.major_text = display_status(major, GSS_C_GSS_CODE, GSS_C_NO_OID);
  if (minor != 0) e.minor_text = display_status(minor, GSS_C_MECH_CODE, gss_mech_krb5);
  return e;
}

std::string GssError::describe() const {
  char codes[64];
  std::snprintf(codes, sizeof codes, " (major 0x%08x, minor 0x%08x)", static_cast<unsigned>(major),
                static_cast<unsigned>(minor));
  std::string s = operation + ": " + (major_text.empty() ? "unknown GSS error" : major_text);
  if (!minor_text.empty()) s += ": " + minor_text;
  return s + codes;
}

void GssBuffer::reset() noexcept {
  if (buf_.value != nullptr || buf_.length != 0) {
    OM_uint32 minor = 0;
    gss_release_buffer(&minor, &buf_);
  }
  buf_ = gss_buffer_desc{0, nullptr};
}

void GssNameTraits::release(gss_name_t* h) noexcept {
  OM_uint32 minor = 0;
  gss_release_name(&minor, h);
}

void GssCredTraits::release(gss_cred_id_t* h) noexcept {
  OM_uint32 minor = 0;
  gss_release_cred(&minor, h);
}

void GssContextTraits::release(gss_ctx_id_t* h) noexcept {
  OM_uint32 minor = 0;
  gss_delete_sec_context(&minor, h, GSS_C_NO_BUFFER);
}

Result<std::string> display_name(const GssName& name) {
  OM_uint32 minor = 0;
  GssBuffer text;
  OM_uint32 major = gss_display_name(&minor, name.get(), text.out(), nullptr);
  if (GSS_ERROR(major)) return GssError::capture("gss_display_name", major, minor).to_error(Errc::internal);
  return std::string(text.view());
}

}  // namespace borealis::krb
