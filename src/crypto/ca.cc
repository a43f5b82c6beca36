// borealis's private CA: a self-signed EC P-256 root and the server certificates it issues for the
// endpoint names, shaped so that `openssl verify` and libpq's sslmode=verify-full accept them.
// Private keys only ever leave here as borealis::Secret; no key bytes reach an error message.
#include "crypto/ca.h"
#include "crypto/ossl.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>

namespace borealis::crypto {
namespace {

template <auto Free>
using OsslDeleter = ossl::Deleter<Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OsslDeleter<ASN1_INTEGER_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OsslDeleter<GENERAL_NAME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, OsslDeleter<ASN1_IA5STRING_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OsslDeleter<ASN1_OCTET_STRING_free>>;

// RFC 5280 serials are at most 20 octets; 16 random octets (top bit cleared so the INTEGER stays
// positive) make collisions between re-issued certificates practically impossible.
constexpr std::size_t kSerialBytes = 16;
// Certificates start a little in the past so a client whose clock runs slightly behind still accepts
// a freshly issued one.
constexpr long kBackdateSeconds = 5 * 60;
// Longest validity we sign: beyond ~100 years the time fields stop meaning anything useful.
constexpr int kMaxValidDays = 36500;
// RFC 1035 limits; a name longer than this is not a host name a client can ask for.
constexpr std::size_t kMaxDnsNameLength = 253;
constexpr std::size_t kMaxDnsLabelLength = 63;
// X.520 ub-common-name: OpenSSL refuses a longer CN, so a longer first DNS name is only in the SAN.
constexpr std::size_t kMaxCommonNameLength = 64;
constexpr char kFallbackServerCommonName[] = "borealis server";


Error ossl_error(const std::string& what) { return make_error(Errc::internal, what + ": " + ossl::drain_errors()); }

Result<PkeyPtr> generate_p256_key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return ossl_error("EC P-256 key generation");
  return key;
}

Status set_random_serial(X509* cert) {
  std::array<unsigned char, kSerialBytes> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return ossl_error("RAND_bytes for serial");
  raw[0] &= 0x7f;
  raw[0] |= 0x40;  // never zero and always 16 octets long: some verifiers reject a zero serial
  BignumPtr bn(BN_bin2bn(raw.data(), static_cast<int>(raw.size()), nullptr));
  if (!bn) return ossl_error("BN_bin2bn");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) return ossl_error("set serial");
  return ok_status();
}

Status set_validity(X509* cert, int valid_days) {
  if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, -kBackdateSeconds, nullptr) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert), valid_days, 0, nullptr) == nullptr) {
    return ossl_error("set validity");
  }
  return ok_status();
}

Status set_common_name(X509* cert, const std::string& cn) {
  X509_NAME* name = X509_get_subject_name(cert);  // owned by cert
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    return ossl_error("set subject CN");
  }
  return ok_status();
}

// Adds one extension in OpenSSL's config syntax. Only fixed strings from this file go through here;
// names from callers are added as typed GENERAL_NAMEs, so a ',' in a host name cannot inject an entry.
Status add_conf_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return ossl_error(std::string("add extension ") + OBJ_nid2sn(nid));
  }
  return ok_status();
}

Result<std::string> to_pem_cert(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return ossl_error("PEM-encode certificate");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<Secret> to_pem_key(EVP_PKEY* key) {
  // Secure-memory BIO: its buffer is cleansed when freed, so no copy of the key lingers on the heap.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return ossl_error("PEM-encode private key");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return Secret(std::string(data, static_cast<std::size_t>(len)));
}

Result<X509Ptr> read_cert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return ossl_error("BIO_new_mem_buf");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return make_error(Errc::invalid_argument, "CA certificate is not a PEM certificate: " + ossl::drain_errors());
  return cert;
}

Result<PkeyPtr> read_key(const Secret& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.reveal().data(), static_cast<int>(pem.size())));
  if (!bio) return ossl_error("BIO_new_mem_buf");
  // An empty passphrase callback: an encrypted key must fail here rather than prompt on a terminal.
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  // Deliberately no OpenSSL detail: the parse error of a key file can quote parts of it.
  ERR_clear_error();
  if (!key) return make_error(Errc::invalid_argument, "CA private key is not an unencrypted PEM private key");
  return key;
}

bool valid_dns_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxDnsLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Host names as libpq matches them: LDH labels, optionally a single leading "*." wildcard label.
bool valid_dns_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxDnsNameLength) return false;
  if (name.starts_with("*.")) name.remove_prefix(2);
  while (true) {
    const auto dot = name.find('.');
    if (!valid_dns_label(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

Result<GeneralNamePtr> dns_general_name(const std::string& dns) {
  Ia5StringPtr ia5(ASN1_IA5STRING_new());
  if (!ia5 || ASN1_STRING_set(ia5.get(), dns.data(), static_cast<int>(dns.size())) != 1) return ossl_error("IA5String");
  GeneralNamePtr gn(GENERAL_NAME_new());
  if (!gn) return ossl_error("GENERAL_NAME_new");
  GENERAL_NAME_set0_value(gn.get(), GEN_DNS, ia5.release());
  return gn;
}

Result<GeneralNamePtr> ip_general_name(const std::string& ip) {
  unsigned char buf[16];
  int len = 0;
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    len = 4;
  } else if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    len = 16;
  } else {
    return make_error(Errc::invalid_argument, "not an IPv4 or IPv6 address: \"" + ip + "\"");
  }
  OctetStringPtr oct(ASN1_OCTET_STRING_new());
  if (!oct || ASN1_OCTET_STRING_set(oct.get(), buf, len) != 1) return ossl_error("OCTET STRING");
  GeneralNamePtr gn(GENERAL_NAME_new());
  if (!gn) return ossl_error("GENERAL_NAME_new");
  GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, oct.release());
  return gn;
}

Status add_subject_alt_names(X509* cert, const std::vector<std::string>& dns_names,
                             const std::vector<std::string>& ip_addresses) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return ossl_error("sk_GENERAL_NAME_new_null");
  auto push = [&](Result<GeneralNamePtr> gn) -> Status {
    if (!gn) return std::move(gn).error();
    if (sk_GENERAL_NAME_push(names.get(), gn->get()) == 0) return ossl_error("sk_GENERAL_NAME_push");
    gn->release();  // now owned by the stack
    return ok_status();
  };
  for (const auto& dns : dns_names) {
    if (Status s = push(dns_general_name(dns)); !s) return s;
  }
  for (const auto& ip : ip_addresses) {
    if (Status s = push(ip_general_name(ip)); !s) return s;
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return ossl_error("add subjectAltName");
  }
  return ok_status();
}

Status check_valid_days(int valid_days) {
  if (valid_days < 1 || valid_days > kMaxValidDays) {
    return make_error(Errc::invalid_argument, "valid_days must be between 1 and " + std::to_string(kMaxValidDays));
  }
  return ok_status();
}

// A certificate being built: its own fresh key, version 3, random serial, validity and subject CN.
struct Draft {
  PkeyPtr key;
  X509Ptr cert;
};

Result<Draft> start_certificate(const std::string& common_name, int valid_days) {
  auto key = generate_p256_key();
  if (!key) return std::move(key).error();
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return ossl_error("X509_new");
  if (Status s = set_random_serial(cert.get()); !s) return std::move(s).error();
  if (Status s = set_validity(cert.get(), valid_days); !s) return std::move(s).error();
  if (Status s = set_common_name(cert.get(), common_name); !s) return std::move(s).error();
  if (X509_set_pubkey(cert.get(), key->get()) != 1) return ossl_error("set public key");
  return Draft{std::move(*key), std::move(cert)};
}

// Signs with `signer` (SHA-256) and returns the certificate and the draft's own key as PEM.
Result<PemPair> finish_certificate(const Draft& draft, EVP_PKEY* signer, const char* what) {
  if (X509_sign(draft.cert.get(), signer, EVP_sha256()) == 0) return ossl_error(what);
  auto cert_pem = to_pem_cert(draft.cert.get());
  if (!cert_pem) return std::move(cert_pem).error();
  auto key_pem = to_pem_key(draft.key.get());
  if (!key_pem) return std::move(key_pem).error();
  return PemPair{std::move(*cert_pem), std::move(*key_pem)};
}

}  // namespace

Result<PemPair> make_self_signed_ca(const std::string& common_name, int valid_days) {
  ERR_clear_error();
  if (Status s = check_valid_days(valid_days); !s) return std::move(s).error();
  if (common_name.empty() || common_name.size() > kMaxCommonNameLength) {
    return make_error(Errc::invalid_argument, "CA common name must be 1 to 64 bytes");
  }
  auto draft = start_certificate(common_name, valid_days);
  if (!draft) return std::move(draft).error();
  X509* cert = draft->cert.get();
  if (X509_set_issuer_name(cert, X509_get_subject_name(cert)) != 1) return ossl_error("set issuer");
  // Order matters: the authority key id of a self-signed root is taken from its own subject key id.
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (Status s = add_conf_extension(cert, cert, nid, value); !s) return std::move(s).error();
  }
  return finish_certificate(*draft, draft->key.get(), "sign CA certificate");
}

Result<PemPair> issue_server_certificate(const PemPair& ca, const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses, int valid_days) {
  ERR_clear_error();
  if (Status s = check_valid_days(valid_days); !s) return std::move(s).error();
  if (dns_names.empty() && ip_addresses.empty()) {
    return make_error(Errc::invalid_argument, "a server certificate needs at least one DNS name or IP address");
  }
  for (const auto& dns : dns_names) {
    if (!valid_dns_name(dns)) return make_error(Errc::invalid_argument, "not a valid DNS name: \"" + dns + "\"");
  }
  auto ca_cert = read_cert(ca.cert_pem);
  if (!ca_cert) return std::move(ca_cert).error();
  auto ca_key = read_key(ca.key_pem);
  if (!ca_key) return std::move(ca_key).error();
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    ERR_clear_error();
    return make_error(Errc::invalid_argument, "CA private key does not match the CA certificate");
  }

  std::string cn = !dns_names.empty() ? dns_names.front() : ip_addresses.front();
  if (cn.size() > kMaxCommonNameLength) cn = kFallbackServerCommonName;  // the SAN carries the name anyway
  auto draft = start_certificate(cn, valid_days);
  if (!draft) return std::move(draft).error();
  X509* cert = draft->cert.get();
  if (X509_set_issuer_name(cert, X509_get_subject_name(ca_cert->get())) != 1) return ossl_error("set issuer");
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (Status s = add_conf_extension(cert, ca_cert->get(), nid, value); !s) return std::move(s).error();
  }
  if (Status s = add_subject_alt_names(cert, dns_names, ip_addresses); !s) return std::move(s).error();
  return finish_certificate(*draft, ca_key->get(), "sign server certificate");
}

}  // namespace borealis::crypto
