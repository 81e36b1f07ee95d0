/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file lwipopts.h
 * @brief lwIP 2.1 options for NUCLEO-F767ZI: bare-metal superloop (NO_SYS=1)
 *        with dripfeed's raw lwIP port, DHCP, DNS and one TLS connection.
 *
 * Why NO_SYS=1: drip_client_step() never blocks, so one loop can run
 * Ethernet input, lwIP timers and the client with no RTOS, no task stacks
 * and no locking; it is the same lwIP port the QEMU firmware test runs.
 * (With FreeRTOS, use NO_SYS=0 and port/lwip/drip_lwip_sockets.c instead.)
 *
 * Memory: static pools only (MEM_LIBC_MALLOC=0, MEMP_MEM_MALLOC=0). The
 * numbers are sized for one HTTPS stream whose server may send full 16 KB
 * TLS records:
 * - TCP_WND = 12 * TCP_MSS = 17520 B >= one 16 KB record plus its 29 B of
 *   TLS 1.2 AEAD overhead, so the server can send a whole record in one
 *   flight without waiting for a window update. No window scaling needed.
 * - The raw port copies each received pbuf into its ring and frees it; the
 *   example gives it a ring of TCP_WND bytes, so received data never waits
 *   in pbufs (nor, with STM32Cube's zero-copy ethernetif, in the Ethernet
 *   DMA buffers). PBUF_POOL_SIZE 12 is still what lwIP's init.c demands for
 *   this window (12 x 1462 payload bytes >= TCP_WND); it is not lowered
 *   with LWIP_DISABLE_TCP_SANITY_CHECKS.
 * - Sending is small (a ~1-2 KB request): TCP_SND_BUF = 2 * TCP_MSS.
 * Overrides only; everything else is lwIP's default (src/include/lwip/opt.h).
 */
#ifndef DRIP_STM32_LWIPOPTS_H
#define DRIP_STM32_LWIPOPTS_H

/* ---- system --------------------------------------------------------------- */
#define NO_SYS 1                   /* superloop: lwip_init(), no tcpip thread */
#define SYS_LIGHTWEIGHT_PROT 0     /* nothing calls lwIP from an interrupt */
#define LWIP_TIMERS 1              /* sys_check_timeouts() in the loop */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

/* ---- memory: static pools, no libc heap ------------------------------------ */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 4
#define MEM_SIZE (6 * 1024)        /* PBUF_RAM: copied TX segments, DHCP/DNS */
#define MEMP_NUM_PBUF 8
#define MEMP_NUM_TCP_PCB 2         /* the stream + one in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 1  /* unused; lwIP wants the pool declared */
#define MEMP_NUM_TCP_SEG 16
#define MEMP_NUM_UDP_PCB 2         /* DHCP, DNS */
#define MEMP_NUM_ARP_QUEUE 4
#define PBUF_POOL_SIZE 12
#define LWIP_SUPPORT_CUSTOM_PBUF 1 /* STM32Cube's zero-copy RX pbufs */

/* ---- protocols ---------------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ARP_TABLE_SIZE 4
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define IP_REASSEMBLY 0            /* TCP with MSS never needs fragments */
#define IP_FRAG 0
#define LWIP_UDP 1
#define LWIP_DHCP 1
#define LWIP_DNS 1
#define DNS_TABLE_SIZE 2
#define DNS_MAX_NAME_LENGTH 64
#define DNS_MAX_SERVERS 2
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1 /* cable in/out (ethernetif_update_config) */

/* ---- TCP: one connection, 16 KB records in ------------------------------------ */
#define LWIP_TCP 1
#define LWIP_ALTCP 0               /* the raw port's altcp_* calls become tcp_* */
#define TCP_MSS 1460
#define TCP_WND (12 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN 8
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 8      /* out-of-order data may not eat the pool */
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_KEEPALIVE 1

/* ---- checksums: the F7 Ethernet MAC computes them --------------------------- */
#ifndef DRIP_STM32_HW_CHECKSUM
#define DRIP_STM32_HW_CHECKSUM 1   /* set 0 if ethernetif does not enable offload */
#endif
#if DRIP_STM32_HW_CHECKSUM
#define CHECKSUM_GEN_IP 0
#define CHECKSUM_GEN_UDP 0
#define CHECKSUM_GEN_TCP 0
#define CHECKSUM_GEN_ICMP 0
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_ICMP 0
#endif

/* ---- diagnostics off ------------------------------------------------------------ */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0

#endif /* DRIP_STM32_LWIPOPTS_H */
