// TestCertificateAuthority: a throw-away X.509 CA made at test time with the
// OpenSSL C API, so TLS tests carry no key material in the tree and nothing
// expires. Keys are EC P-256 (fast to generate); certificates are valid from
// an hour ago to a day from now.
//
// Header-only because the unit-test glob compiles only *_test.cc files.
//
// Example:
//
//   TestCertificateAuthority ca("Provisio Test CA");
//   IssuedCertificate server = ca.IssueServerCertificate("localhost",
//   "DNS:localhost,IP:127.0.0.1"); IssuedCertificate client =
//   ca.IssueClientCertificate("provisio-test-client");
//   // ca.certificate_pem() is what both sides trust.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace temporal::test {

/// IssuedCertificate is a PEM certificate and its PEM (PKCS#8) private key.
struct IssuedCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

/// TestCertificateAuthority is a self-signed CA that issues server and client
/// certificates. Not thread-safe; throws std::runtime_error if OpenSSL fails.
class TestCertificateAuthority {
 public:
  /// TestCertificateAuthority creates the CA key and self-signed certificate.
  explicit TestCertificateAuthority(const std::string& common_name)
      : key_(NewKey()), certificate_(X509_new()) {
    Fill(certificate_.get(), common_name, key_.get(), nullptr);
    AddExtensions(certificate_.get(), certificate_.get(),
                  {{NID_basic_constraints, "critical,CA:TRUE"},
                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                   {NID_subject_key_identifier, "hash"}});
    Sign(certificate_.get(), key_.get());
    certificate_pem_ = CertificatePem(certificate_.get());
  }

  /// certificate_pem is the CA certificate, to trust on either side.
  const std::string& certificate_pem() const { return certificate_pem_; }

  /// IssueServerCertificate issues a TLS server certificate; `subject_alt_names`
  /// is in OpenSSL's form, e.g. "DNS:localhost,IP:127.0.0.1".
  IssuedCertificate IssueServerCertificate(const std::string& common_name,
                                           const std::string& subject_alt_names) {
    return Issue(common_name, {{NID_basic_constraints, "critical,CA:FALSE"},
                               {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                               {NID_ext_key_usage, "serverAuth"},
                               {NID_subject_alt_name, subject_alt_names}});
  }

  /// IssueClientCertificate issues a TLS client certificate (for mTLS) whose
  /// subject CN is `common_name` and which has no subject alternative name.
  IssuedCertificate IssueClientCertificate(const std::string& common_name) {
    return Issue(common_name, {{NID_basic_constraints, "critical,CA:FALSE"},
                               {NID_key_usage, "critical,digitalSignature"},
                               {NID_ext_key_usage, "clientAuth"}});
  }

 private:
  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct CertificateDeleter {
    void operator()(X509* certificate) const { X509_free(certificate); }
  };
  struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
  };
  using UniqueKey = std::unique_ptr<EVP_PKEY, KeyDeleter>;
  using UniqueCertificate = std::unique_ptr<X509, CertificateDeleter>;
  using UniqueBio = std::unique_ptr<BIO, BioDeleter>;
  using Extension = std::pair<int, std::string>;  // NID, OpenSSL config value

  [[noreturn]] static void Fail(const std::string& what) {
    char reason[256] = {};
    ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
    throw std::runtime_error("TestCertificateAuthority: " + what + ": " + reason);
  }

  static UniqueKey NewKey() {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
        EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), &EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    if (!context || EVP_PKEY_keygen_init(context.get()) <= 0 ||
        EVP_PKEY_CTX_set_group_name(context.get(), "P-256") <= 0 ||
        EVP_PKEY_keygen(context.get(), &key) <= 0) {
      Fail("generating an EC key");
    }
    return UniqueKey(key);
  }

  // Fill sets everything but extensions and signature; a null issuer means self-signed.
  void Fill(X509* certificate, const std::string& common_name, EVP_PKEY* key, X509* issuer) {
    X509_NAME* subject = X509_get_subject_name(certificate);
    if (X509_set_version(certificate, 2) != 1 ||  // 2 means X.509 v3
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), next_serial_++) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(certificate), -60 * 60) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(certificate), 24 * 60 * 60) == nullptr ||
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(certificate,
                             issuer != nullptr ? X509_get_subject_name(issuer) : subject) != 1 ||
        X509_set_pubkey(certificate, key) != 1) {
      Fail("filling in certificate " + common_name);
    }
  }

  static void AddExtensions(X509* certificate, X509* issuer,
                            const std::vector<Extension>& extensions) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
      X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
      if (extension == nullptr) Fail("building extension " + value);
      const int added = X509_add_ext(certificate, extension, -1);
      X509_EXTENSION_free(extension);
      if (added != 1) Fail("adding extension " + value);
    }
  }

  static void Sign(X509* certificate, EVP_PKEY* issuer_key) {
    if (X509_sign(certificate, issuer_key, EVP_sha256()) <= 0) Fail("signing a certificate");
  }

  static std::string BioContents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int): OpenSSL's type
    return std::string(data, static_cast<std::size_t>(size));
  }

  static std::string CertificatePem(X509* certificate) {
    UniqueBio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) Fail("writing a certificate");
    return BioContents(bio.get());
  }

  static std::string PrivateKeyPem(EVP_PKEY* key) {
    UniqueBio bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      Fail("writing a private key");
    }
    return BioContents(bio.get());
  }

  IssuedCertificate Issue(const std::string& common_name, std::vector<Extension> extensions) {
    UniqueKey key = NewKey();
    UniqueCertificate certificate(X509_new());
    if (!certificate) Fail("allocating a certificate");
    Fill(certificate.get(), common_name, key.get(), certificate_.get());
    extensions.emplace_back(NID_subject_key_identifier, "hash");
    extensions.emplace_back(NID_authority_key_identifier, "keyid:always");
    AddExtensions(certificate.get(), certificate_.get(), extensions);
    Sign(certificate.get(), key_.get());
    return IssuedCertificate{CertificatePem(certificate.get()), PrivateKeyPem(key.get())};
  }

  long next_serial_ = 1;  // NOLINT(google-runtime-int): ASN1_INTEGER_set takes a long
  UniqueKey key_;
  UniqueCertificate certificate_;
  std::string certificate_pem_;
};

}  // namespace temporal::test
