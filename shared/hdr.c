/*
 * ISAKMP header (RFC 2408 3.1):
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Initiator                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Responder                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Message ID                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                            Length                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * GDOI uses the same header; in GROUPKEY-PUSH the two cookies carry the
 * 16-octet KEK SPI (RFC 6407 4).
 */
#include "codec.h"

int
gdoi_hdr_decode(struct gdoi_rd *r, struct isakmp_hdr *h, struct gdoi_diag *d)
{
	struct gdoi_rd save = *r;

	if (gdoi_rd_left(r) < ISAKMP_HDR_LEN)
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, 0,
		    "ISAKMP header needs %d octets, %zu present", ISAKMP_HDR_LEN, gdoi_rd_left(r));
	/* Cannot fail after the length check above. */
	(void)gdoi_rd_bytes(r, h->h_icookie, sizeof(h->h_icookie));
	(void)gdoi_rd_bytes(r, h->h_rcookie, sizeof(h->h_rcookie));
	(void)gdoi_rd_u8(r, &h->h_np);
	(void)gdoi_rd_u8(r, &h->h_version);
	(void)gdoi_rd_u8(r, &h->h_exchange);
	(void)gdoi_rd_u8(r, &h->h_flags);
	(void)gdoi_rd_u32(r, &h->h_msgid);
	(void)gdoi_rd_u32(r, &h->h_length);
	if ((h->h_version >> 4) != 1) {
		*r = save;
		return GDOI_FAIL(d, GDOI_E_VERSION, r, 0, "major version %u", h->h_version >> 4);
	}
	if (h->h_length < ISAKMP_HDR_LEN) {
		*r = save;
		return GDOI_FAIL(d, GDOI_E_LENGTH, r, 0, "header length %u < %d",
		    h->h_length, ISAKMP_HDR_LEN);
	}
	return GDOI_OK;
}

void
gdoi_hdr_encode(struct gdoi_wr *w, const struct isakmp_hdr *h)
{
	gdoi_wr_bytes(w, h->h_icookie, sizeof(h->h_icookie));
	gdoi_wr_bytes(w, h->h_rcookie, sizeof(h->h_rcookie));
	gdoi_wr_u8(w, h->h_np);
	gdoi_wr_u8(w, h->h_version);
	gdoi_wr_u8(w, h->h_exchange);
	gdoi_wr_u8(w, h->h_flags);
	gdoi_wr_u32(w, h->h_msgid);
	gdoi_wr_u32(w, h->h_length);
}
