/*
 * Identification payload (RFC 2407 4.6.2; RFC 6407 5.1 for the group id):
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload !   RESERVED    !        Payload Length         !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !    ID Type    !  Protocol ID  !             Port              !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                     Identification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * In GROUPKEY-PULL message 1 the GM names the group with ID_KEY_ID (IOS
 * numeric "identity number", 4 octets big-endian) or another ID type.
 * NAT-OA (RFC 3947 5.2) shares this layout.
 */
#include "codec.h"

int
gdoi_id_check(uint8_t type, const struct gdoi_bytes *data)
{
	size_t want;

	switch (type) {
	case ID_IPV4_ADDR:
		want = 4;
		break;
	case ID_IPV4_ADDR_SUBNET:
	case ID_IPV4_ADDR_RANGE:
		want = 8;
		break;
	case ID_IPV6_ADDR:
		want = 16;
		break;
	case ID_IPV6_ADDR_SUBNET:
	case ID_IPV6_ADDR_RANGE:
		want = 32;
		break;
	case ID_FQDN:
	case ID_USER_FQDN:
	case ID_DER_ASN1_DN:
	case ID_DER_ASN1_GN:
	case ID_KEY_ID:
	case ID_OID:
		return data->len >= 1 ? GDOI_OK : GDOI_E_ID;
	default:
		/* Types we do not know are carried opaque; the protocol layer decides. */
		return GDOI_OK;
	}
	return data->len == want ? GDOI_OK : GDOI_E_ID;
}

int
gdoi_id_group_number(const struct gdoi_id *id, uint32_t *group)
{
	if (id->id_type != ID_KEY_ID || id->id_data.len != 4)
		return GDOI_E_ID;
	*group = gdoi_be32(id->id_data.ptr);
	return GDOI_OK;
}

int
gdoi_id_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_id *id, struct gdoi_diag *d)
{
	if (gdoi_rd_u8(r, &id->id_type) || gdoi_rd_u8(r, &id->id_proto) ||
	    gdoi_rd_u16(r, &id->id_port))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "ID needs 4 octets before its data");
	id->id_data.len = gdoi_rd_left(r);
	(void)gdoi_rd_ptr(r, id->id_data.len, &id->id_data.ptr);
	if (gdoi_id_check(id->id_type, &id->id_data))
		return GDOI_FAIL(d, GDOI_E_ID, r, pl_type, "ID type %u with %zu octets of data",
		    id->id_type, id->id_data.len);
	return GDOI_OK;
}

void
gdoi_id_encode(struct gdoi_wr *w, const struct gdoi_id *id)
{
	gdoi_wr_u8(w, id->id_type);
	gdoi_wr_u8(w, id->id_proto);
	gdoi_wr_u16(w, id->id_port);
	gdoi_wr_bytes(w, id->id_data.ptr, id->id_data.len);
}
