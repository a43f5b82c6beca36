// Acquiring GSSAPI credentials from explicit files: the acceptor's keytab (+ replay cache) and an
// initiator's credential cache. Everything is passed through a gss_acquire_cred_from credential
// store; nothing here reads or sets KRB5_KTNAME, KRB5CCNAME or KRB5RCACHEDIR. The only process-wide
// input is the krb5.conf libkrb5 itself locates (KRB5_CONFIG, else /etc/krb5.conf).
//
// BLOCKING: both functions do file I/O (keytab / ccache reads) and must run off the event loop.
#pragma once

#include <memory>
#include <string_view>

#include "common/result.h"
#include "krb/gss.h"

namespace borealis::krb {

// Credentials shared (read-only) by every Acceptor of one endpoint. MIT locks a credential handle
// internally, so concurrent exchanges on several threads may use the same one.
using SharedCred = std::shared_ptr<const GssCred>;

// `keytab_path`: absolute path of the endpoint's keytab (used as FILE:<path>).
// `service_principal`: "postgres/db.example.com" or "postgres/db.example.com@REALM"; empty accepts
//   any principal present in the keytab (GSS_C_NO_NAME).
// `replay_cache_path`: absolute path of the replay cache file, given to MIT as the cred-store
//   element rcache = "file2:<path>" (MIT >= 1.18 file format; the cred-store key exists since 1.13).
//   We chose the store element over KRB5RCACHEDIR because an env var is process-wide and silently
//   ignored if set after libkrb5 first reads it; the store binds the cache to these credentials.
//   Put it in the data dir. Empty means MIT's default ("dfl:" = $KRB5RCACHEDIR or /var/tmp, file
//   krb5_<euid>.rcache2) — only for tests and tools.
// Fails if the keytab has no usable key for the principal.
Result<SharedCred> acquire_acceptor_credentials(std::string_view keytab_path, std::string_view service_principal,
                                                std::string_view replay_cache_path);

// Initiator credentials from the credential cache at `ccache_path` (used as FILE:<path>), e.g. one
// filled by kinit. Tickets for services are fetched from the KDC later, in Initiator::step.
Result<GssCred> acquire_initiator_credentials(std::string_view ccache_path);

}  // namespace borealis::krb
