/*
 * The small payloads: opaque data (KE, HASH, SIG, NONCE, VID, ...), CERT
 * and CR, Notify, Delete and SEQ.
 */
#include "codec.h"

/*
 * KE (RFC 2408 3.7), HASH (3.11), SIG (3.12), NONCE (3.13), Vendor ID (3.16):
 * generic header, then the data filling the payload.  An empty KE, HASH,
 * SIG or NONCE means nothing and is refused.
 */
int
gdoi_data_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_bytes *b, struct gdoi_diag *d)
{
	b->len = gdoi_rd_left(r);
	(void)gdoi_rd_ptr(r, b->len, &b->ptr);
	switch (pl_type) {
	case ISAKMP_PL_KE:
	case ISAKMP_PL_HASH:
	case ISAKMP_PL_SIG:
	case ISAKMP_PL_NONCE:
		if (b->len == 0)
			return GDOI_FAIL(d, GDOI_E_LENGTH, r, pl_type, "empty payload body");
		break;
	default:
		break;
	}
	return GDOI_OK;
}

/*
 * CERT (RFC 2408 3.9) and CR (3.10):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Cert Encoding !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~         Certificate Data / Certificate Authority              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
int
gdoi_cert_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_cert *c, struct gdoi_diag *d)
{
	if (gdoi_rd_u8(r, &c->c_enc))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "no certificate encoding octet");
	c->c_data.len = gdoi_rd_left(r);
	(void)gdoi_rd_ptr(r, c->c_data.len, &c->c_data.ptr);
	return GDOI_OK;
}

void
gdoi_cert_encode(struct gdoi_wr *w, const struct gdoi_cert *c)
{
	gdoi_wr_u8(w, c->c_enc);
	gdoi_wr_bytes(w, c->c_data.ptr, c->c_data.len);
}

/*
 * Notification (RFC 2408 3.14):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
int
gdoi_notify_decode(struct gdoi_rd *r, struct gdoi_notify *n, struct gdoi_diag *d)
{
	uint8_t spisz;

	if (gdoi_rd_u32(r, &n->n_doi) || gdoi_rd_u8(r, &n->n_proto) || gdoi_rd_u8(r, &spisz) ||
	    gdoi_rd_u16(r, &n->n_type))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_N, "notify needs 8 octets of header");
	n->n_spi.len = spisz;
	if (gdoi_rd_ptr(r, spisz, &n->n_spi.ptr))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_N, "SPI size %u > %zu left", spisz,
		    gdoi_rd_left(r));
	n->n_data.len = gdoi_rd_left(r);
	(void)gdoi_rd_ptr(r, n->n_data.len, &n->n_data.ptr);
	return GDOI_OK;
}

void
gdoi_notify_encode(struct gdoi_wr *w, const struct gdoi_notify *n)
{
	if (n->n_spi.len > 255) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u32(w, n->n_doi);
	gdoi_wr_u8(w, n->n_proto);
	gdoi_wr_u8(w, (uint8_t)n->n_spi.len);
	gdoi_wr_u16(w, n->n_type);
	gdoi_wr_bytes(w, n->n_spi.ptr, n->n_spi.len);
	gdoi_wr_bytes(w, n->n_data.ptr, n->n_data.len);
}

/*
 * Delete (RFC 2408 3.15):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
int
gdoi_delete_decode(struct gdoi_rd *r, struct gdoi_delete *dl, struct gdoi_diag *d)
{
	size_t want;

	if (gdoi_rd_u32(r, &dl->d_doi) || gdoi_rd_u8(r, &dl->d_proto) ||
	    gdoi_rd_u8(r, &dl->d_spi_size) || gdoi_rd_u16(r, &dl->d_nspi))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_D, "delete needs 8 octets of header");
	want = (size_t)dl->d_nspi * dl->d_spi_size;
	if (want != gdoi_rd_left(r))
		return GDOI_FAIL(d, GDOI_E_COUNT, r, ISAKMP_PL_D,
		    "%u SPIs of %u octets != %zu octets present", dl->d_nspi, dl->d_spi_size,
		    gdoi_rd_left(r));
	dl->d_spis.len = want;
	(void)gdoi_rd_ptr(r, want, &dl->d_spis.ptr);
	return GDOI_OK;
}

void
gdoi_delete_encode(struct gdoi_wr *w, const struct gdoi_delete *dl)
{
	if ((size_t)dl->d_nspi * dl->d_spi_size != dl->d_spis.len) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u32(w, dl->d_doi);
	gdoi_wr_u8(w, dl->d_proto);
	gdoi_wr_u8(w, dl->d_spi_size);
	gdoi_wr_u16(w, dl->d_nspi);
	gdoi_wr_bytes(w, dl->d_spis.ptr, dl->d_spis.len);
}

/*
 * Sequence Number (RFC 6407 section 5, "Sequence Number Payload"):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                       Sequence Number                         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Exactly 4 octets of body; Wireshark flags any other length as well.
 */
int
gdoi_seq_decode(struct gdoi_rd *r, uint32_t *seq, struct gdoi_diag *d)
{
	if (gdoi_rd_left(r) != 4)
		return GDOI_FAIL(d, GDOI_E_LENGTH, r, GDOI_PL_SEQ, "SEQ body is %zu octets, not 4",
		    gdoi_rd_left(r));
	(void)gdoi_rd_u32(r, seq);
	return GDOI_OK;
}
