/*
 * Key Download (RFC 6407 "Key Download Payload"; widths agree in Wireshark's
 * dissect_key_download and DigiCert's GDOI definitions):
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !    Number of Key Packets      !            RESERVED2          !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Key Packets                                ~
 *
 * Key packet:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !    KD Type    !   RESERVED    !            KD Length          !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !    SPI Size   !                   SPI (variable)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Key Packet Attributes                      ~
 *
 * KD Length counts the whole key packet, its 4-octet header included
 * (Wireshark computes the end as start + KD Length; DigiCert's header says
 * the same).  A TEK key packet carries the 4-octet TEK SPI, a KEK key packet
 * the 16-octet KEK SPI; LKH and SID packets are not constrained here.
 */
#include "codec.h"

#define KP_HDR 4

static int
keypkt_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_keypkt *kp,
    struct gdoi_diag *d)
{
	uint8_t res, spisz;
	uint16_t len;
	struct gdoi_rd body;
	int err;

	if (gdoi_rd_left(r) == 0)
		return GDOI_FAIL(d, GDOI_E_COUNT, r, GDOI_PL_KD,
		    "fewer key packets than Number of Key Packets says");
	if (gdoi_rd_left(r) < KP_HDR)
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_KD, "key packet header needs 4 octets, "
		    "%zu left", gdoi_rd_left(r));
	(void)gdoi_rd_u8(r, &kp->kp_type);
	(void)gdoi_rd_u8(r, &res);
	(void)gdoi_rd_u16(r, &len);
	if (len < KP_HDR + 1)
		return GDOI_FAIL(d, GDOI_E_LENGTH, r, GDOI_PL_KD, "KD Length %u < 5", len);
	if (gdoi_rd_sub(r, len - KP_HDR, &body))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_KD, "KD Length %u > %zu left", len,
		    gdoi_rd_left(r) + KP_HDR);
	(void)gdoi_rd_u8(&body, &spisz);
	if ((kp->kp_type == KD_TYPE_TEK && spisz != GDOI_TEK_SPI_LEN) ||
	    (kp->kp_type == KD_TYPE_KEK && spisz != GDOI_KEK_SPI_LEN))
		return GDOI_FAIL(d, GDOI_E_SPI_SIZE, &body, GDOI_PL_KD,
		    "SPI size %u in a key packet of type %u", spisz, kp->kp_type);
	kp->kp_spi.len = spisz;
	if (gdoi_rd_ptr(&body, spisz, &kp->kp_spi.ptr))
		return GDOI_FAIL(d, GDOI_E_TRUNC, &body, GDOI_PL_KD, "SPI size %u > %zu left",
		    spisz, gdoi_rd_left(&body));
	if ((err = gdoi_attrs_decode(&body, a, &kp->kp_attrs, GDOI_PL_KD, d)) != 0)
		return err;
	return GDOI_OK;
}

int
gdoi_kd_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_kd *kd, struct gdoi_diag *d)
{
	uint16_t n, res2;
	size_t i;
	int err;

	if (gdoi_rd_u16(r, &n) || gdoi_rd_u16(r, &res2))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_KD, "KD needs 4 octets");
	if (n > GDOI_MAX_KEYPKTS)
		return GDOI_FAIL(d, GDOI_E_NESTING, r, GDOI_PL_KD, "%u key packets (max %d)", n,
		    GDOI_MAX_KEYPKTS);
	/* Each key packet takes at least 5 octets: refuse a count that cannot fit. */
	if ((size_t)n * (KP_HDR + 1) > gdoi_rd_left(r))
		return GDOI_FAIL(d, GDOI_E_COUNT, r, GDOI_PL_KD,
		    "Number of Key Packets %u cannot fit in %zu octets", n, gdoi_rd_left(r));
	kd->kd_pkts = n ? gdoi_arena_calloc(a, n, sizeof(*kd->kd_pkts)) : NULL;
	if (n && kd->kd_pkts == NULL)
		return GDOI_FAIL(d, GDOI_E_NOMEM, r, GDOI_PL_KD, "key packets");
	for (i = 0; i < n; i++)
		if ((err = keypkt_decode(r, a, &kd->kd_pkts[i], d)) != 0)
			return err;
	kd->kd_n = n;
	if (gdoi_rd_left(r))
		return GDOI_FAIL(d, GDOI_E_COUNT, r, GDOI_PL_KD,
		    "%zu octets after the %u key packets announced", gdoi_rd_left(r), n);
	return GDOI_OK;
}

void
gdoi_kd_encode(struct gdoi_wr *w, const struct gdoi_kd *kd)
{
	size_t i, off, len;

	if (kd->kd_n > GDOI_MAX_KEYPKTS) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u16(w, (uint16_t)kd->kd_n);
	gdoi_wr_u16(w, 0);
	for (i = 0; i < kd->kd_n; i++) {
		const struct gdoi_keypkt *kp = &kd->kd_pkts[i];

		if (kp->kp_spi.len > 255) {
			gdoi_wr_fail(w, GDOI_E_INVAL);
			return;
		}
		off = gdoi_wr_off(w);
		gdoi_wr_u8(w, kp->kp_type);
		gdoi_wr_u8(w, 0);
		gdoi_wr_u16(w, 0);	/* KD Length, patched below */
		gdoi_wr_u8(w, (uint8_t)kp->kp_spi.len);
		gdoi_wr_bytes(w, kp->kp_spi.ptr, kp->kp_spi.len);
		gdoi_attrs_encode(w, &kp->kp_attrs);
		if (gdoi_wr_error(w))
			return;
		len = gdoi_wr_off(w) - off;
		if (len > 0xffff) {
			gdoi_wr_fail(w, GDOI_E_TOOBIG);
			return;
		}
		gdoi_wr_set_u16(w, off + 2, (uint16_t)len);
	}
}
