/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host stand-in for ESP-IDF's esp_crt_bundle_attach()
 * (components/mbedtls/esp_crt_bundle/esp_crt_bundle.c), doing what it does
 * to the mbedtls_ssl_config, on Debian's Mbed TLS 2.28 or on Mbed TLS 3.6
 * (check.sh mbedtls3; the certificate's signature fields are private in 3.x
 * and read through MBEDTLS_PRIVATE(), as ESP-IDF's 3.x code does):
 *  - a placeholder CA chain (an empty certificate), so mbedTLS sees a chain
 *    and does not stop with SSL_CA_CHAIN_REQUIRED;
 *  - a verify callback: for a certificate whose only flag is NOT_TRUSTED
 *    (BAD_MD ignored), find the root whose subject is its issuer and check
 *    its signature with that root's public key; on success clear the flags,
 *    otherwise return MBEDTLS_ERR_X509_CERT_VERIFY_FAILED.
 * The difference: ESP-IDF keeps (subject, public key) pairs from Mozilla's
 * store in a binary bundle made by gen_crt_bundle.py and binary-searches it;
 * here the roots are a parsed PEM file (default: the component's
 * certs/openai_roots.pem; the check loads its test CA). NOT ESP-IDF.
 */
#include "esp_crt_bundle.h"
#include "esp_crt_bundle_stub.h"

#include <string.h>

#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

static mbedtls_x509_crt s_roots;     /* the "bundle" */
static int s_loaded;
static mbedtls_x509_crt s_dummy_crt; /* placeholder chain, never parsed */
static int s_calls;
static const void *s_last_conf;
static esp_err_t s_fail = ESP_OK;

int stub_crt_bundle_load(const char *pem_path)
{
    const mbedtls_x509_crt *c;
    int n = 0;
    stub_crt_bundle_free();
    if (mbedtls_x509_crt_parse_file(&s_roots, pem_path != NULL ? pem_path : ESP32_STUB_BUNDLE_PEM) != 0) {
        stub_crt_bundle_free();
        return -1;
    }
    s_loaded = 1;
    for (c = &s_roots; c != NULL && c->raw.len > 0; c = c->next) {
        n++;
    }
    return n;
}

void stub_crt_bundle_free(void)
{
    mbedtls_x509_crt_free(&s_roots);
    mbedtls_x509_crt_init(&s_roots);
    s_loaded = 0;
}

int stub_crt_bundle_calls(void)
{
    return s_calls;
}

const void *stub_crt_bundle_last_conf(void)
{
    return s_last_conf;
}

void stub_crt_bundle_fail(esp_err_t err)
{
    s_fail = err;
}

#define CRT_SIG(c, f) ((c)->STUB_MBEDTLS_PRIVATE(f))

static int stub_check_signature(const mbedtls_x509_crt *child, mbedtls_x509_crt *root)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(CRT_SIG(child, sig_md));
    if (!mbedtls_pk_can_do(&root->pk, CRT_SIG(child, sig_pk))) {
        return -1; /* ESP-IDF's quick check before hashing */
    }
    if (md == NULL || mbedtls_md(md, child->tbs.p, child->tbs.len, hash) != 0) {
        return -1;
    }
    return mbedtls_pk_verify_ext(CRT_SIG(child, sig_pk), CRT_SIG(child, sig_opts), &root->pk,
                                 CRT_SIG(child, sig_md), hash, mbedtls_md_get_size(md),
                                 CRT_SIG(child, sig).p, CRT_SIG(child, sig).len);
}

static int stub_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    mbedtls_x509_crt *root;
    (void)ctx;
    (void)depth;
    if ((*flags & ~(uint32_t)MBEDTLS_X509_BADCERT_BAD_MD) != MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        return 0; /* trusted already, or failed for another reason: mbedTLS decides */
    }
    for (root = &s_roots; root != NULL && root->raw.len > 0; root = root->next) {
        if (root->subject_raw.len == crt->issuer_raw.len &&
            memcmp(root->subject_raw.p, crt->issuer_raw.p, crt->issuer_raw.len) == 0) {
            if (stub_check_signature(crt, root) == 0) {
                *flags = 0;
                return 0;
            }
            break;
        }
    }
    return MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
}

esp_err_t esp_crt_bundle_attach(void *conf)
{
    s_calls++;
    s_last_conf = conf;
    if (s_fail != ESP_OK) {
        return s_fail;
    }
    if (!s_loaded && stub_crt_bundle_load(NULL) < 0) {
        return ESP_ERR_INVALID_ARG; /* ESP-IDF: a bundle that does not check out */
    }
    if (conf != NULL) {
        mbedtls_ssl_conf_verify((mbedtls_ssl_config *)conf, stub_verify, NULL);
        mbedtls_ssl_conf_ca_chain((mbedtls_ssl_config *)conf, &s_dummy_crt, NULL);
    }
    return ESP_OK;
}
