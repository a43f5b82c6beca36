#include "krb/credentials.h"

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <string>

namespace borealis::krb {
namespace {

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

// Only the krb5 mechanism: no SPNEGO/NTLM negotiation through the gateway.
gss_OID_set_desc krb5_only() { return gss_OID_set_desc{1, gss_mech_krb5}; }

}  // namespace

Result<SharedCred> acquire_acceptor_credentials(std::string_view keytab_path, std::string_view service_principal,
                                                std::string_view replay_cache_path) {
  if (!is_absolute(keytab_path)) return make_error(Errc::invalid_argument, "keytab path must be absolute");
  if (!replay_cache_path.empty() && !is_absolute(replay_cache_path)) {
    return make_error(Errc::invalid_argument, "replay cache path must be absolute");
  }
  const std::string keytab_name = "FILE:" + std::string(keytab_path);
  const std::string rcache_name = "file2:" + std::string(replay_cache_path);
  gss_key_value_element_desc elements[2] = {{"keytab", keytab_name.c_str()}, {"rcache", rcache_name.c_str()}};
  const gss_key_value_set_desc store{replay_cache_path.empty() ? 1u : 2u, elements};

  OM_uint32 minor = 0;
  GssName name;
  if (!service_principal.empty()) {
    gss_buffer_desc text = borrow_buffer(service_principal);
    const OM_uint32 major = gss_import_name(&minor, &text, GSS_KRB5_NT_PRINCIPAL_NAME, name.out());
    if (GSS_ERROR(major)) return GssError::capture("gss_import_name", major, minor).to_error(Errc::invalid_argument);
  }
  gss_OID_set_desc mechs = krb5_only();
  GssCred cred;
  const OM_uint32 major = gss_acquire_cred_from(&minor, name.get(), GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &store,
                                                cred.out(), nullptr, nullptr);
  if (GSS_ERROR(major)) return GssError::capture("gss_acquire_cred_from(accept)", major, minor).to_error(Errc::unavailable);
  return SharedCred(std::make_shared<GssCred>(std::move(cred)));
}

Result<GssCred> acquire_initiator_credentials(std::string_view ccache_path) {
  if (!is_absolute(ccache_path)) return make_error(Errc::invalid_argument, "ccache path must be absolute");
  const std::string ccache_name = "FILE:" + std::string(ccache_path);
  gss_key_value_element_desc elements[1] = {{"ccache", ccache_name.c_str()}};
  const gss_key_value_set_desc store{1, elements};
  gss_OID_set_desc mechs = krb5_only();
  OM_uint32 minor = 0;
  GssCred cred;
  const OM_uint32 major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                                                &store, cred.out(), nullptr, nullptr);
  if (GSS_ERROR(major)) return GssError::capture("gss_acquire_cred_from(initiate)", major, minor).to_error(Errc::unavailable);
  return cred;
}

}  // namespace borealis::krb
