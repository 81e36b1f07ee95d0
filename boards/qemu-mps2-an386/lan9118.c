/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Polled LAN9118 driver (see lan9118.h). Register map and FIFO formats from
 * the SMSC LAN9118 datasheet; checked against QEMU's hw/net/lan9118.c:
 *  - RX: RX_FIFO_INF[23:16] = frames waiting; each has a status word
 *    (length incl. 4-byte CRC in [29:16], error summary bit 15) and
 *    ceil(length / 4) data words, little-endian, offset 0.
 *  - TX: command A (first + last segment, buffer size), command B (tag,
 *    frame length), then ceil(length / 4) data words.
 *  - MAC registers are reached through MAC_CSR_CMD / MAC_CSR_DATA.
 */
#include "lan9118.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#define REG(off) (*(volatile uint32_t *)(LAN9118_BASE + (off)))
#define RX_DATA_FIFO REG(0x00u)
#define TX_DATA_FIFO REG(0x20u)
#define RX_STATUS_FIFO REG(0x40u)
#define TX_STATUS_FIFO REG(0x48u)
#define ID_REV REG(0x50u)
#define INT_EN REG(0x5Cu)
#define BYTE_TEST REG(0x64u)
#define RX_CFG REG(0x6Cu)
#define TX_CFG REG(0x70u)
#define HW_CFG REG(0x74u)
#define RX_DP_CTRL REG(0x78u)
#define RX_FIFO_INF REG(0x7Cu)
#define TX_FIFO_INF REG(0x80u)
#define PMT_CTRL REG(0x84u)
#define MAC_CSR_CMD REG(0xA4u)
#define MAC_CSR_DATA REG(0xA8u)

#define HW_CFG_SRST 0x1u
#define PMT_CTRL_READY 0x1u
#define TX_CFG_TX_ON 0x2u
#define RX_DP_FFWD 0x80000000u
#define MAC_CSR_BUSY 0x80000000u
#define MAC_CSR_READ 0x40000000u
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_TXEN 0x00000008u
#define MAC_CR_RXEN 0x00000004u
#define TXA_FIRST 0x2000u
#define TXA_LAST 0x1000u
#define RXS_ERROR 0x8000u

#define SPIN_LIMIT 100000u

static int mac_wait(void)
{
    uint32_t n = 0;
    while ((MAC_CSR_CMD & MAC_CSR_BUSY) != 0u) {
        if (++n > SPIN_LIMIT) {
            return -1;
        }
    }
    return 0;
}

static uint32_t mac_read(uint32_t reg)
{
    (void)mac_wait();
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | reg;
    (void)mac_wait();
    return MAC_CSR_DATA;
}

static void mac_write(uint32_t reg, uint32_t val)
{
    (void)mac_wait();
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = MAC_CSR_BUSY | reg;
    (void)mac_wait();
}

static err_t lan9118_linkoutput(struct netif *netif, struct pbuf *p)
{
    uint32_t len = p->tot_len, word = 0, n = 0, spins = 0;
    const struct pbuf *q;
    (void)netif;
    if (len > 1514u) {
        return ERR_BUF;
    }
    /* Room for both command words and the data (TX_FIFO_INF[15:0] = free bytes). */
    while ((TX_FIFO_INF & 0xFFFFu) < len + 8u) {
        if (++spins > SPIN_LIMIT) {
            return ERR_MEM;
        }
    }
    TX_DATA_FIFO = TXA_FIRST | TXA_LAST | len;
    TX_DATA_FIFO = (len << 16) | len; /* tag = length */
    for (q = p; q != NULL; q = q->next) {
        const uint8_t *b = (const uint8_t *)q->payload;
        uint16_t i;
        for (i = 0; i < q->len; i++) {
            word |= (uint32_t)b[i] << (8u * n);
            if (++n == 4u) {
                TX_DATA_FIFO = word;
                word = 0;
                n = 0;
            }
        }
    }
    if (n != 0u) {
        TX_DATA_FIFO = word;
    }
    /* Drop the TX status entries: nobody reads them, and a full status FIFO
     * stalls a real chip. */
    while (((TX_FIFO_INF >> 16) & 0xFFu) != 0u) {
        (void)TX_STATUS_FIFO;
    }
    return ERR_OK;
}

static void rx_discard(uint32_t words)
{
    if (words >= 4u) {
        RX_DP_CTRL = RX_DP_FFWD; /* the datasheet's fast-forward */
        while ((RX_DP_CTRL & RX_DP_FFWD) != 0u) {
        }
    } else {
        while (words-- > 0u) {
            (void)RX_DATA_FIFO;
        }
    }
}

int lan9118_poll(struct netif *netif)
{
    int frames = 0;
    while (((RX_FIFO_INF >> 16) & 0xFFu) != 0u) {
        uint32_t status = RX_STATUS_FIFO;
        uint32_t len = (status >> 16) & 0x3FFFu; /* with the 4-byte CRC */
        uint32_t words = (len + 3u) / 4u;
        struct pbuf *p = NULL;
        if ((status & RXS_ERROR) == 0u && len >= 14u + 4u && len <= 1518u) {
            p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u), PBUF_POOL);
        }
        if (p == NULL) {
            LINK_STATS_INC(link.drop);
            rx_discard(words);
            continue;
        }
        {
            struct pbuf *q = p;
            uint16_t off = 0;
            uint32_t left = len - 4u; /* the CRC's bytes are read and dropped */
            while (words-- > 0u) {
                uint32_t word = RX_DATA_FIFO, k;
                for (k = 0; k < 4u && left > 0u; k++, left--) {
                    while (off == q->len) {
                        q = q->next;
                        off = 0;
                    }
                    ((uint8_t *)q->payload)[off++] = (uint8_t)(word >> (8u * k));
                }
            }
        }
        frames++;
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
        }
    }
    return frames;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint32_t hi, lo, n = 0;
    if (BYTE_TEST != 0x87654321u || (ID_REV >> 16) != 0x0118u) {
        return ERR_IF;
    }
    HW_CFG = HW_CFG_SRST;
    while ((HW_CFG & HW_CFG_SRST) != 0u || (PMT_CTRL & PMT_CTRL_READY) == 0u) {
        if (++n > SPIN_LIMIT) {
            return ERR_IF;
        }
    }
    INT_EN = 0; /* polled */
    hi = mac_read(MAC_ADDRH);
    lo = mac_read(MAC_ADDRL);
    netif->hwaddr[0] = (u8_t)lo;
    netif->hwaddr[1] = (u8_t)(lo >> 8);
    netif->hwaddr[2] = (u8_t)(lo >> 16);
    netif->hwaddr[3] = (u8_t)(lo >> 24);
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_LINK_UP;
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = lan9118_linkoutput;
    RX_CFG = 0;                     /* no data offset, no end padding */
    TX_CFG = TX_CFG_TX_ON;
    /* Own address + broadcast (reset state is promiscuous in QEMU). */
    mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX);
    return ERR_OK;
}
