/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file mbedtls_config.h
 * @brief Mbed TLS 2.28 configuration for NUCLEO-F767ZI: a TLS 1.2 client
 *        that talks to api.openai.com (or a relay) and nothing else.
 *
 * Use with -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"' and this directory on
 * the include path, for both the Mbed TLS library and port/mbedtls.
 *
 * What is in, and why:
 * - TLS 1.2 client only (no server, no DTLS, no renegotiation, no TLS 1.3:
 *   2.28 has no usable 1.3 client and the API speaks 1.2).
 * - ECDHE key exchange (ECDSA and RSA certificates), AES-GCM and
 *   ChaCha20-Poly1305: the AEAD suites Cloudflare-fronted hosts offer.
 * - Curves P-256, P-384 (chains signed by GTS Root R4 / ISRG Root X2) and
 *   X25519 (the key share servers prefer). RSA verification up to 4096-bit
 *   keys (ISRG Root X1).
 * - X.509 parsing from PEM (the CA roots are compiled in as PEM text).
 * - Input record buffer 16384 bytes: we do not control the server, and
 *   a peer that ignores max_fragment_length may send a full 16 KB record
 *   (the team's notes on Mbed TLS: budget 16 KB records). Output 2048: the request head
 *   and body go out in records of at most 2 KB, which mbedtls_ssl_write()
 *   splits for us.
 * - No heap: MBEDTLS_MEMORY_BUFFER_ALLOC_C; the application gives Mbed TLS
 *   one static array (mbedtls_memory_buffer_alloc_init(), see
 *   examples/stream_uart/main.c). MBEDTLS_PLATFORM_MEMORY routes
 *   mbedtls_calloc/free there.
 * - Entropy from the RNG peripheral only (MBEDTLS_ENTROPY_HARDWARE_ALT,
 *   entropy_hw.c); MBEDTLS_NO_PLATFORM_ENTROPY since there is no
 *   /dev/urandom.
 *
 * What is out, and the price:
 * - MBEDTLS_HAVE_TIME / MBEDTLS_HAVE_TIME_DATE: the board has no set wall
 *   clock, so certificate validity dates are NOT checked (the chain and the
 *   host name still are). Add an SNTP client, define both and provide
 *   mbedtls_platform_gmtime_r if expiry checks matter for your product.
 * - MBEDTLS_ERROR_C (the error strings, several KB of flash): drip_tls then
 *   reports mbedTLS codes in hex.
 * - MBEDTLS_SSL_KEEP_PEER_CERTIFICATE: only a digest of the peer's
 *   certificate is kept after the handshake (saves ~1-2 KB of arena).
 * - SHA-1, MD5, CBC suites, DHE, static RSA key exchange.
 *
 * Mbed TLS 3.x: build_info.h defines MBEDTLS_VERSION_MAJOR before reading
 * this file and runs check_config.h itself; the option set below is a 2.28
 * set (3.x renamed a few, e.g. MBEDTLS_SSL_PROTO_TLS1_2 stays but
 * MBEDTLS_SSL_MAX_FRAGMENT_LENGTH/PSA options differ): review it before
 * using 3.x.
 */
#ifndef DRIP_STM32_MBEDTLS_CONFIG_H
#define DRIP_STM32_MBEDTLS_CONFIG_H

/* ---- system ---------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM              /* Thumb-2 multiply-accumulate in bignum */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY       /* mbedtls_calloc/free -> the static arena */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C /* the arena allocator itself */
/* Until mbedtls_memory_buffer_alloc_init() runs, calloc fails instead of
 * falling back to the C library's heap (entropy_hw.c): nothing in the image
 * refers to malloc/calloc because of Mbed TLS. */
#include <stddef.h>
void *drip_stm32_no_calloc(size_t n, size_t size);
void drip_stm32_no_free(void *p);
#define MBEDTLS_PLATFORM_STD_CALLOC drip_stm32_no_calloc
#define MBEDTLS_PLATFORM_STD_FREE drip_stm32_no_free
#define MBEDTLS_NO_PLATFORM_ENTROPY   /* no /dev/urandom, no getrandom() */
#define MBEDTLS_ENTROPY_HARDWARE_ALT  /* mbedtls_hardware_poll(): entropy_hw.c */
#define MBEDTLS_DEPRECATED_REMOVED

/* ---- entropy and DRBG ------------------------------------------------------ */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_MAX_SOURCES 2 /* the RNG peripheral (+ one spare) */

/* ---- symmetric: AES-GCM and ChaCha20-Poly1305 ------------------------------ */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES   /* AES tables in flash, not 8 KB of RAM */
#define MBEDTLS_AES_FEWER_TABLES /* ... and only 2 KB of them */
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C

/* ---- hashes: SHA-256 and SHA-384 (TLS PRF, signatures) --------------------- */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C /* SHA-384 lives here in 2.28 */

/* ---- public key: ECDHE, ECDSA, RSA verify ---------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2        /* less RAM per multiplication, a bit slower */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0  /* no precomputed tables in RAM */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_MPI_MAX_SIZE 512         /* 4096-bit RSA roots (ISRG Root X1) */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C             /* ECDSA needs it */

/* ---- X.509 ---------------------------------------------------------------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

/* ---- TLS 1.2 client ------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION /* SNI: Cloudflare needs it */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                   \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,               \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,                 \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,         \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,           \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,               \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

/* Record buffers: 16 KB in (any server record), 2 KB out (our requests). */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048

/* 2.28 reads no check_config.h by itself; 3.x does (and defines
 * MBEDTLS_VERSION_MAJOR before reading this file). */
#if !defined(MBEDTLS_VERSION_MAJOR)
#include "mbedtls/check_config.h"
#endif

#endif /* DRIP_STM32_MBEDTLS_CONFIG_H */
