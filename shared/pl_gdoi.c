/*
 * GDOI Security Association and its nested payloads (RFC 6407 section 5;
 * widths cross-checked against Wireshark's packet-isakmp.c dissect_sa_kek /
 * dissect_sa_tek and DigiCert's GDOI definitions, see PROTOCOL-NOTES 1.2).
 *
 * SA payload body, DOI 2 (RFC 6407 "Security Association Payload"):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                              DOI                              !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                           Situation                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! SA Attribute Next Payload     !           RESERVED            !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~   SA KEK / SA TEK / GAP payloads, chained, counted in the SA  ~
 * ~   payload's length; the last has Next Payload 0                ~
 *
 * SA KEK (SAK, 15):
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !    Protocol   !  SRC ID Type  !         SRC ID Port           !
 * !SRC ID Data Len!          SRC Identification Data              ~
 * !  DST ID Type  !         DST ID Port           !DST ID Data Len!
 * ~                    DST Identification Data                    ~
 * ~                       SPI (16 octets)                         ~
 * !         POP Algorithm         !         POP Key Length        !
 * ~                        KEK Attributes                         ~
 * The ID data lengths are ONE octet here.  The 16-octet SPI is the
 * I-cookie | R-cookie of the GROUPKEY-PUSH header.  The 4 octets after the
 * SPI are RFC 3547's POP fields, RESERVED in RFC 6407; Wireshark 4.0 reads
 * them as 4 reserved octets (verified in MACHINE-NOTES 2).
 *
 * SA TEK (SAT, 16), Protocol-ID ESP (1) or AH (2):
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * ! Protocol-ID   !   Protocol    !  SRC ID Type  !  SRC ID Port  ~
 * ~ SRC ID Port   !      SRC ID Data Len          !  SRC ID Data  ~
 * !  DST ID Type  !          DST ID Port          !DST ID Data Len~
 * ~ DST ID Data Len !              DST Identification Data        ~
 * ! Transform ID  !                  SPI (4 octets)               ~
 * ~ SPI           !        RFC 2407 SA Attributes                 ~
 * Here the ID data lengths are TWO octets: Wireshark's dissect_sa_tek and
 * DigiCert's OutSAT agree, and tshark 4.0 reports a 1-octet form as
 * malformed (MACHINE-NOTES 2).  gdoid (2011) used one octet: not followed.
 * Other Protocol-IDs (e.g. 3, IEC 61850 per RFC 8052) keep the rest of the
 * body undecoded in t_other.
 *
 * GAP (22): generic header, then GAP attributes only.
 */
#include "codec.h"

/* Traffic selector with an n-octet data length (1 for SAK, 2 for SAT). */
static int
sel_decode(struct gdoi_rd *r, unsigned pl_type, int lenw, struct gdoi_id *id,
    struct gdoi_diag *d)
{
	uint8_t l8;
	uint16_t l16;

	if (gdoi_rd_u8(r, &id->id_type) || gdoi_rd_u16(r, &id->id_port))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "selector needs type and port");
	if (lenw == 1) {
		if (gdoi_rd_u8(r, &l8))
			return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "selector data length missing");
		l16 = l8;
	} else if (gdoi_rd_u16(r, &l16))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "selector data length missing");
	id->id_proto = 0;
	id->id_data.len = l16;
	if (gdoi_rd_ptr(r, l16, &id->id_data.ptr))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "ID Data Len %u > %zu left", l16,
		    gdoi_rd_left(r));
	if (gdoi_id_check(id->id_type, &id->id_data))
		return GDOI_FAIL(d, GDOI_E_ID, r, pl_type, "ID type %u with %u octets of data",
		    id->id_type, l16);
	return GDOI_OK;
}

static void
sel_encode(struct gdoi_wr *w, int lenw, const struct gdoi_id *id)
{
	if (id->id_data.len > (lenw == 1 ? 0xffu : 0xffffu)) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u8(w, id->id_type);
	gdoi_wr_u16(w, id->id_port);
	if (lenw == 1)
		gdoi_wr_u8(w, (uint8_t)id->id_data.len);
	else
		gdoi_wr_u16(w, (uint16_t)id->id_data.len);
	gdoi_wr_bytes(w, id->id_data.ptr, id->id_data.len);
}

static int
sak_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_sak *k, struct gdoi_diag *d)
{
	int err;

	if (gdoi_rd_u8(r, &k->k_proto))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_SAK, "SA KEK protocol missing");
	if ((err = sel_decode(r, GDOI_PL_SAK, 1, &k->k_src, d)) != 0 ||
	    (err = sel_decode(r, GDOI_PL_SAK, 1, &k->k_dst, d)) != 0)
		return err;
	if (gdoi_rd_bytes(r, k->k_spi, sizeof(k->k_spi)) || gdoi_rd_u16(r, &k->k_pop_alg) ||
	    gdoi_rd_u16(r, &k->k_pop_keylen))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_SAK,
		    "SA KEK needs a 16-octet SPI and 4 reserved octets, %zu left", gdoi_rd_left(r));
	return gdoi_attrs_decode(r, a, &k->k_attrs, GDOI_PL_SAK, d);
}

static void
sak_encode(struct gdoi_wr *w, const struct gdoi_sak *k)
{
	gdoi_wr_u8(w, k->k_proto);
	sel_encode(w, 1, &k->k_src);
	sel_encode(w, 1, &k->k_dst);
	gdoi_wr_bytes(w, k->k_spi, sizeof(k->k_spi));
	gdoi_wr_u16(w, k->k_pop_alg);
	gdoi_wr_u16(w, k->k_pop_keylen);
	gdoi_attrs_encode(w, &k->k_attrs);
}

static int
sat_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_sat *t, struct gdoi_diag *d)
{
	int err;

	if (gdoi_rd_u8(r, &t->t_proto_id))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_SAT, "SA TEK Protocol-ID missing");
	if (t->t_proto_id != GDOI_TEK_PROTO_ESP && t->t_proto_id != GDOI_TEK_PROTO_AH) {
		t->t_other.len = gdoi_rd_left(r);
		(void)gdoi_rd_ptr(r, t->t_other.len, &t->t_other.ptr);
		return GDOI_OK;
	}
	if (gdoi_rd_u8(r, &t->t_ip_proto))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_SAT, "SA TEK protocol missing");
	if ((err = sel_decode(r, GDOI_PL_SAT, 2, &t->t_src, d)) != 0 ||
	    (err = sel_decode(r, GDOI_PL_SAT, 2, &t->t_dst, d)) != 0)
		return err;
	if (gdoi_rd_u8(r, &t->t_transform) || gdoi_rd_u32(r, &t->t_spi))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, GDOI_PL_SAT,
		    "SA TEK needs Transform ID and a 4-octet SPI, %zu left", gdoi_rd_left(r));
	return gdoi_attrs_decode(r, a, &t->t_attrs, GDOI_PL_SAT, d);
}

static void
sat_encode(struct gdoi_wr *w, const struct gdoi_sat *t)
{
	gdoi_wr_u8(w, t->t_proto_id);
	if (t->t_proto_id != GDOI_TEK_PROTO_ESP && t->t_proto_id != GDOI_TEK_PROTO_AH) {
		gdoi_wr_bytes(w, t->t_other.ptr, t->t_other.len);
		return;
	}
	gdoi_wr_u8(w, t->t_ip_proto);
	sel_encode(w, 2, &t->t_src);
	sel_encode(w, 2, &t->t_dst);
	gdoi_wr_u8(w, t->t_transform);
	gdoi_wr_u32(w, t->t_spi);
	gdoi_attrs_encode(w, &t->t_attrs);
}

int
gdoi_gap_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_gap *g, struct gdoi_diag *d)
{
	return gdoi_attrs_decode(r, a, &g->g_attrs, GDOI_PL_GAP, d);
}

void
gdoi_gap_encode(struct gdoi_wr *w, const struct gdoi_gap *g)
{
	gdoi_attrs_encode(w, &g->g_attrs);
}

static int
sa_item_type_ok(uint8_t t)
{
	return t == GDOI_PL_SAK || t == GDOI_PL_SAT || t == GDOI_PL_GAP;
}

int
gdoi_gsa_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_gsa *sa, struct gdoi_diag *d)
{
	uint16_t first, res2;
	uint8_t np, nnp, res;
	struct gdoi_rd probe, body;
	size_t n = 0, i;
	int err;

	if (gdoi_rd_u32(r, &sa->g_doi) || gdoi_rd_u32(r, &sa->g_situation) ||
	    gdoi_rd_u16(r, &first) || gdoi_rd_u16(r, &res2))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_SA, "GDOI SA needs 12 octets");
	if (sa->g_doi != GDOI_DOI_GDOI)
		return GDOI_FAIL(d, GDOI_E_DOI, r, ISAKMP_PL_SA, "DOI %u in a GDOI exchange",
		    sa->g_doi);
	if (first > 0xff || (first != 0 && !sa_item_type_ok((uint8_t)first)))
		return GDOI_FAIL(d, GDOI_E_PAYLOAD, r, ISAKMP_PL_SA,
		    "SA Attribute Next Payload %u", first);
	/* Count the nested items (validated for real below). */
	probe = *r;
	np = (uint8_t)first;
	while (np != 0 && sa_item_type_ok(np) && n <= GDOI_MAX_SA_ITEMS) {
		if (gdoi_genhdr_read(&probe, np, &nnp, &res, &body, NULL))
			break;
		n++;
		np = nnp;
	}
	if (n > GDOI_MAX_SA_ITEMS)
		return GDOI_FAIL(d, GDOI_E_NESTING, r, ISAKMP_PL_SA, "more than %d SA items",
		    GDOI_MAX_SA_ITEMS);
	sa->g_items = n ? gdoi_arena_calloc(a, n, sizeof(*sa->g_items)) : NULL;
	if (n && sa->g_items == NULL)
		return GDOI_FAIL(d, GDOI_E_NOMEM, r, ISAKMP_PL_SA, "SA items");
	np = (uint8_t)first;
	for (i = 0; np != 0; i++) {
		struct gdoi_sa_item *it;

		if (!sa_item_type_ok(np))
			return GDOI_FAIL(d, GDOI_E_PAYLOAD, r, np,
			    "payload type %u inside a GDOI SA", np);
		if (i >= n) {
			/* The count pass stopped on a bad header here: report it. */
			err = gdoi_genhdr_read(r, np, &nnp, &res, &body, d);
			return err ? err : GDOI_FAIL(d, GDOI_E_NESTING, r, np, "SA items");
		}
		if ((err = gdoi_genhdr_read(r, np, &nnp, &res, &body, d)) != 0)
			return err;
		it = &sa->g_items[i];
		it->i_type = np;
		switch (np) {
		case GDOI_PL_SAK:
			err = sak_decode(&body, a, &it->i_u.sak, d);
			break;
		case GDOI_PL_SAT:
			err = sat_decode(&body, a, &it->i_u.sat, d);
			break;
		default:
			err = gdoi_gap_decode(&body, a, &it->i_u.gap, d);
			break;
		}
		if (err || (err = gdoi_body_done(&body, np, d)) != 0)
			return err;
		np = nnp;
	}
	sa->g_nitems = i;
	return gdoi_body_done(r, ISAKMP_PL_SA, d);
}

void
gdoi_gsa_encode(struct gdoi_wr *w, const struct gdoi_gsa *sa)
{
	size_t i, off;

	if (sa->g_nitems > GDOI_MAX_SA_ITEMS) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u32(w, sa->g_doi);
	gdoi_wr_u32(w, sa->g_situation);
	gdoi_wr_u16(w, sa->g_nitems ? sa->g_items[0].i_type : 0);
	gdoi_wr_u16(w, 0);
	for (i = 0; i < sa->g_nitems; i++) {
		const struct gdoi_sa_item *it = &sa->g_items[i];

		if (!sa_item_type_ok(it->i_type)) {
			gdoi_wr_fail(w, GDOI_E_INVAL);
			return;
		}
		off = gdoi_genhdr_begin(w, i + 1 < sa->g_nitems ? sa->g_items[i + 1].i_type : 0);
		switch (it->i_type) {
		case GDOI_PL_SAK:
			sak_encode(w, &it->i_u.sak);
			break;
		case GDOI_PL_SAT:
			sat_encode(w, &it->i_u.sat);
			break;
		default:
			gdoi_gap_encode(w, &it->i_u.gap);
			break;
		}
		gdoi_genhdr_end(w, off);
	}
}
