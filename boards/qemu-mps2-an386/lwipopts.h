/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file lwipopts.h
 * @brief lwIP for the QEMU mps2-an386 test image: NO_SYS superloop, raw API,
 *        static pools only (no libc heap), IPv4 + TCP + DHCP + DNS.
 *
 * Sizes are for one TLS connection that mostly receives (an answer stream):
 * the receive window (TCP_WND) is drained into drip_lwip_raw's ring buffer
 * at once, so a few pool buffers suffice; sends are small (ClientHello,
 * request). Every option not set here keeps lwIP's default (lwip/opt.h).
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

/* ---- system: superloop, no OS, no interrupts touch lwIP ---------------- */
#define NO_SYS                  1
#define SYS_LIGHTWEIGHT_PROT    0   /* the LAN9118 driver polls: one context */
#define LWIP_SOCKET             0
#define LWIP_NETCONN            0
#define LWIP_NETIF_API          0

/* ---- memory: static arrays only ------------------------------------------ */
#define MEM_LIBC_MALLOC         0   /* pbuf RAM / heap: lwIP's own array */
#define MEMP_MEM_MALLOC         0   /* pools: static arrays */
#define MEM_ALIGNMENT           4
/* lwIP's small heap: PBUF_RAM for outgoing TCP segments (tcp_write copies),
 * DHCP/DNS/ARP packets. Peak measured by MEM_STATS, printed by the image. */
#define MEM_SIZE                (3 * 1024)
#define MEMP_NUM_PBUF           4   /* PBUF_REF/ROM: DHCP options only */
#define MEMP_NUM_UDP_PCB        2   /* DHCP, DNS */
#define MEMP_NUM_TCP_PCB        2   /* one connection + one closing */
#define MEMP_NUM_TCP_PCB_LISTEN 0
#define MEMP_NUM_TCP_SEG        8
#define MEMP_NUM_REASSDATA      0
#define MEMP_NUM_FRAG_PBUF      0
#define MEMP_NUM_ARP_QUEUE      2
#define MEMP_NUM_SYS_TIMEOUT    (LWIP_NUM_SYS_TIMEOUT_INTERNAL)
/* Received frames: one pool buffer holds a whole 1514-byte frame. The driver
 * hands each frame to lwIP at once and the port copies TCP data out, so the
 * pool only needs to cover the window (lwIP's sanity check). */
#define PBUF_POOL_SIZE          3
#define PBUF_POOL_BUFSIZE       LWIP_MEM_ALIGN_SIZE(TCP_MSS + 40 + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)

/* ---- protocols --------------------------------------------------------- */
#define LWIP_IPV4               1
#define LWIP_IPV6               0
#define LWIP_ARP                1
#define ARP_TABLE_SIZE          4
#define ARP_QUEUEING            1
#define ETH_PAD_SIZE            0
#define IP_REASSEMBLY           0
#define IP_FRAG                 0
#define LWIP_ICMP               1
#define LWIP_RAW                0
#define LWIP_UDP                1
#define LWIP_TCP                1
#define LWIP_DHCP               1
#define LWIP_AUTOIP             0
#define LWIP_IGMP               0
#define LWIP_ALTCP              0   /* port/lwip/drip_lwip_raw uses altcp_*: plain tcp_* here */

/* TCP: QEMU's user network is Ethernet (MTU 1500). Window of two segments,
 * drained into drip_lwip_raw's ring (which must be >= TCP_WND). */
#define TCP_MSS                 1460
#define TCP_WND                 (2 * TCP_MSS)
#define TCP_SND_BUF             (2 * TCP_MSS)
#define TCP_SND_QUEUELEN        8
#define TCP_QUEUE_OOSEQ         0   /* one peer on a lossless link: retransmit instead */
#define LWIP_TCP_KEEPALIVE      0
#define LWIP_WND_SCALE          0

/* DNS. The test server's name is answered from this static table (QEMU's
 * DNS proxy at 10.0.2.3 only forwards to the host's resolver, which does
 * not know it); any other name goes to the DHCP-provided server. The table
 * is const data: no dynamic entries, no heap. */
#define LWIP_DNS                1
#define DNS_TABLE_SIZE          2
#define DNS_MAX_NAME_LENGTH     128
#define DNS_LOCAL_HOSTLIST      1
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC 0
#ifndef FW_TEST_HOST_NAME
#define FW_TEST_HOST_NAME       "api.dripfeed.test"
#endif
/* QEMU user networking: the gateway 10.0.2.2 reaches the host's loopback. */
#define DNS_LOCAL_HOSTLIST_INIT {DNS_LOCAL_HOSTLIST_ELEM(FW_TEST_HOST_NAME, IPADDR4_INIT_BYTES(10, 0, 2, 2))}

/* ---- netif -------------------------------------------------------------- */
#define LWIP_NETIF_HOSTNAME     0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF       1

/* ---- checksums: the emulated LAN9118 offloads nothing ------------------ */
#define CHECKSUM_GEN_IP         1
#define CHECKSUM_GEN_TCP        1
#define CHECKSUM_CHECK_IP       1
#define CHECKSUM_CHECK_TCP      1

/* ---- statistics: peak use of the heap and pools for the memory table --- */
#define LWIP_STATS              1
#define LWIP_STATS_DISPLAY      0
#define MEM_STATS               1
#define MEMP_STATS              1
#define LINK_STATS              0
#define ETHARP_STATS            0
#define IP_STATS                0
#define IPFRAG_STATS            0
#define ICMP_STATS              0
#define UDP_STATS               0
#define TCP_STATS               0
#define SYS_STATS               0

#endif /* LWIPOPTS_H */
