/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_mbedtls_config.h
 * @brief Minimal Mbed TLS 2.28 configuration for dripfeed firmware:
 *        a TLS 1.2 client that can talk to api.openai.com and verify it.
 *
 * Used with -DMBEDTLS_CONFIG_FILE='"fw_mbedtls_config.h"' for the library and
 * for port/mbedtls. What is in, and why:
 *  - TLS 1.2 client only; key exchange ECDHE with ECDSA or RSA certificates
 *    (public CAs and Cloudflare, which fronts the API, use both);
 *    AES-GCM and ChaCha20-Poly1305, nothing else (no CBC, no static RSA).
 *  - X.509 verification: RSA (PKCS#1 v1.5) and ECDSA on P-256 / P-384,
 *    SHA-256 and SHA-384/512; SNI and the host-name check (drip_tls).
 *  - Heap: mbedTLS's own allocator on a static arena
 *    (mbedtls_memory_buffer_alloc_init); MBEDTLS_MEMORY_DEBUG gives the
 *    measured peak (mbedtls_memory_buffer_alloc_max_get) for the memory table.
 *  - Time: certificate dates ARE checked (MBEDTLS_HAVE_TIME_DATE): the board
 *    provides fw_mbedtls_time() (QEMU: the host clock via semihosting; a real
 *    board: an RTC set by SNTP). A board with no trustworthy clock must drop
 *    MBEDTLS_HAVE_TIME_DATE, and then expired or not-yet-valid certificates
 *    are NOT detected.
 *  - Entropy: none built in (MBEDTLS_ENTROPY_C off): the board passes its
 *    RNG to drip_tls (drip_tls_cfg_t.entropy), which seeds CTR_DRBG with it.
 *    Real boards must pass their hardware TRNG.
 *
 * Receive buffer: MBEDTLS_SSL_IN_CONTENT_LEN stays 16384 because the API's
 * servers send full-size records and do not honour max_fragment_length.
 * The send buffer is small: a client only sends its handshake and requests,
 * and mbedtls_ssl_write() splits larger writes.
 */
#ifndef FW_MBEDTLS_CONFIG_H
#define FW_MBEDTLS_CONFIG_H

/* ---- platform ------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_UDBL_DIVISION          /* no 64/32 division helpers pulled in */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY           /* calloc/free = the static arena */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG              /* peak figures for the memory table */
#define MBEDTLS_PLATFORM_TIME_MACRO fw_mbedtls_time
#define MBEDTLS_PLATFORM_GMTIME_R_ALT     /* newlib's gmtime() would malloc its buffer */
#define MBEDTLS_NO_PLATFORM_ENTROPY       /* no /dev/urandom here */

/* ---- symmetric crypto and hashes ----------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES            /* tables in flash, not 8 KB of RAM */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C                  /* SHA-384: suites, P-384 CA signatures */
#define MBEDTLS_SHA512_SMALLER

/* ---- public key ------------------------------------------------------------ */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED /* X25519 key exchange */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
/* CA certificates come as DER arrays: no PEM or base64 code. Boards that load
 * a PEM bundle add MBEDTLS_PEM_PARSE_C and MBEDTLS_BASE64_C. */

/* ---- TLS ------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* The peer's chain is dropped after the handshake (not kept for the session). */
#undef MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

#define MBEDTLS_SSL_CIPHERSUITES                              \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,    \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,      \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

/* ---- sizes ----------------------------------------------------------------- */
#define MBEDTLS_SSL_IN_CONTENT_LEN   16384 /* full records from the server */
#define MBEDTLS_SSL_OUT_CONTENT_LEN  2048  /* our handshake + requests, split */
#define MBEDTLS_MPI_MAX_SIZE         512   /* RSA-4096 CA keys */
#define MBEDTLS_MPI_WINDOW_SIZE      2
#define MBEDTLS_ECP_MAX_BITS         384
#define MBEDTLS_ECP_WINDOW_SIZE      2     /* smaller tables in the arena */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 4

/* Board-provided (see the board's main.c). */
#include <time.h>
time_t fw_mbedtls_time(time_t *t);

#include "mbedtls/check_config.h"

#endif /* FW_MBEDTLS_CONFIG_H */
