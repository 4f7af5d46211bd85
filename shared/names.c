/*
 * Name tables, generated from the X-macro tables of gdoi/wire.h.
 */
#include <stdio.h>
#include <strings.h>

#include "gdoi/err.h"
#include "gdoi/names.h"

struct name_ent {
	unsigned v;
	const char *name;
};

#define NAME_ENT(sym, val, name) { (val), (name) },
#define TAB(id, X) static const struct name_ent id[] = { X(NAME_ENT) };

TAB(t_payload, GDOI_TAB_PAYLOAD)
TAB(t_exchange, GDOI_TAB_EXCHANGE)
TAB(t_doi, GDOI_TAB_DOI)
TAB(t_proto, GDOI_TAB_PROTO)
TAB(t_tek_proto, GDOI_TAB_TEK_PROTO)
TAB(t_ike_transform, GDOI_TAB_IKE_TRANSFORM)
TAB(t_ike_attr, GDOI_TAB_IKE_ATTR)
TAB(t_ike_enc, GDOI_TAB_IKE_ENC)
TAB(t_ike_hash, GDOI_TAB_IKE_HASH)
TAB(t_ike_auth, GDOI_TAB_IKE_AUTH)
TAB(t_ike_group, GDOI_TAB_IKE_GROUP)
TAB(t_life_type, GDOI_TAB_LIFE_TYPE)
TAB(t_ipsec_attr, GDOI_TAB_IPSEC_ATTR)
TAB(t_encap, GDOI_TAB_ENCAP)
TAB(t_ipsec_auth, GDOI_TAB_IPSEC_AUTH)
TAB(t_esp_transform, GDOI_TAB_ESP_TRANSFORM)
TAB(t_ah_transform, GDOI_TAB_AH_TRANSFORM)
TAB(t_addr_pres, GDOI_TAB_ADDR_PRESERVATION)
TAB(t_sa_dir, GDOI_TAB_SA_DIRECTION)
TAB(t_kek_attr, GDOI_TAB_KEK_ATTR)
TAB(t_kek_mgmt, GDOI_TAB_KEK_MGMT)
TAB(t_kek_alg, GDOI_TAB_KEK_ALG)
TAB(t_sig_hash, GDOI_TAB_SIG_HASH)
TAB(t_sig_alg, GDOI_TAB_SIG_ALG)
TAB(t_gap_attr, GDOI_TAB_GAP_ATTR)
TAB(t_kd_type, GDOI_TAB_KD_TYPE)
TAB(t_tek_key_attr, GDOI_TAB_TEK_KEY_ATTR)
TAB(t_kek_key_attr, GDOI_TAB_KEK_KEY_ATTR)
TAB(t_lkh_attr, GDOI_TAB_LKH_ATTR)
TAB(t_sid_attr, GDOI_TAB_SID_ATTR)
TAB(t_notify, GDOI_TAB_NOTIFY)
TAB(t_id_type, GDOI_TAB_ID_TYPE)
TAB(t_cert_enc, GDOI_TAB_CERT_ENC)

#define NS(tab, label) { tab, sizeof(tab) / sizeof(tab[0]), label }

static const struct {
	const struct name_ent *ns_tab;
	size_t ns_n;
	const char *ns_label;
} ns_tab[GDOI_NS__COUNT] = {
	[GDOI_NS_PAYLOAD] = NS(t_payload, "payload"),
	[GDOI_NS_EXCHANGE] = NS(t_exchange, "exchange"),
	[GDOI_NS_DOI] = NS(t_doi, "doi"),
	[GDOI_NS_PROTO] = NS(t_proto, "protocol"),
	[GDOI_NS_TEK_PROTO] = NS(t_tek_proto, "tek-protocol"),
	[GDOI_NS_IKE_TRANSFORM] = NS(t_ike_transform, "ike-transform"),
	[GDOI_NS_IKE_ATTR] = NS(t_ike_attr, "ike-attribute"),
	[GDOI_NS_IKE_ENC] = NS(t_ike_enc, "ike-encryption"),
	[GDOI_NS_IKE_HASH] = NS(t_ike_hash, "ike-hash"),
	[GDOI_NS_IKE_AUTH] = NS(t_ike_auth, "ike-auth"),
	[GDOI_NS_IKE_GROUP] = NS(t_ike_group, "ike-group"),
	[GDOI_NS_LIFE_TYPE] = NS(t_life_type, "life-type"),
	[GDOI_NS_IPSEC_ATTR] = NS(t_ipsec_attr, "ipsec-attribute"),
	[GDOI_NS_ENCAP] = NS(t_encap, "encapsulation"),
	[GDOI_NS_IPSEC_AUTH] = NS(t_ipsec_auth, "ipsec-auth"),
	[GDOI_NS_ESP_TRANSFORM] = NS(t_esp_transform, "esp-transform"),
	[GDOI_NS_AH_TRANSFORM] = NS(t_ah_transform, "ah-transform"),
	[GDOI_NS_ADDR_PRESERVATION] = NS(t_addr_pres, "address-preservation"),
	[GDOI_NS_SA_DIRECTION] = NS(t_sa_dir, "sa-direction"),
	[GDOI_NS_KEK_ATTR] = NS(t_kek_attr, "kek-attribute"),
	[GDOI_NS_KEK_MGMT] = NS(t_kek_mgmt, "kek-management"),
	[GDOI_NS_KEK_ALG] = NS(t_kek_alg, "kek-algorithm"),
	[GDOI_NS_SIG_HASH] = NS(t_sig_hash, "sig-hash"),
	[GDOI_NS_SIG_ALG] = NS(t_sig_alg, "sig-algorithm"),
	[GDOI_NS_GAP_ATTR] = NS(t_gap_attr, "gap-attribute"),
	[GDOI_NS_KD_TYPE] = NS(t_kd_type, "kd-type"),
	[GDOI_NS_TEK_KEY_ATTR] = NS(t_tek_key_attr, "tek-key-attribute"),
	[GDOI_NS_KEK_KEY_ATTR] = NS(t_kek_key_attr, "kek-key-attribute"),
	[GDOI_NS_LKH_ATTR] = NS(t_lkh_attr, "lkh-attribute"),
	[GDOI_NS_SID_ATTR] = NS(t_sid_attr, "sid-attribute"),
	[GDOI_NS_NOTIFY] = NS(t_notify, "notify"),
	[GDOI_NS_ID_TYPE] = NS(t_id_type, "id-type"),
	[GDOI_NS_CERT_ENC] = NS(t_cert_enc, "cert-encoding"),
};

static int
ns_ok(enum gdoi_ns ns)
{
	return (unsigned)ns < GDOI_NS__COUNT;
}

const char *
gdoi_name(enum gdoi_ns ns, unsigned v)
{
	size_t i;

	if (!ns_ok(ns))
		return NULL;
	for (i = 0; i < ns_tab[ns].ns_n; i++)
		if (ns_tab[ns].ns_tab[i].v == v)
			return ns_tab[ns].ns_tab[i].name;
	return NULL;
}

const char *
gdoi_name_buf(enum gdoi_ns ns, unsigned v, char *buf, size_t len)
{
	const char *n = gdoi_name(ns, v);

	if (n)
		return n;
	if (buf == NULL || len == 0)
		return "Unknown";
	snprintf(buf, len, "Unknown (%u)", v);
	return buf;
}

int
gdoi_name_value(enum gdoi_ns ns, const char *name, unsigned *v)
{
	size_t i;

	if (!ns_ok(ns) || name == NULL)
		return GDOI_E_INVAL;
	for (i = 0; i < ns_tab[ns].ns_n; i++)
		if (strcasecmp(ns_tab[ns].ns_tab[i].name, name) == 0) {
			*v = ns_tab[ns].ns_tab[i].v;
			return GDOI_OK;
		}
	return GDOI_E_INVAL;
}

const char *
gdoi_ns_name(enum gdoi_ns ns)
{
	return ns_ok(ns) ? ns_tab[ns].ns_label : "unknown";
}

size_t
gdoi_ns_count(enum gdoi_ns ns)
{
	return ns_ok(ns) ? ns_tab[ns].ns_n : 0;
}

int
gdoi_ns_entry(enum gdoi_ns ns, size_t i, unsigned *v, const char **name)
{
	if (!ns_ok(ns) || i >= ns_tab[ns].ns_n)
		return GDOI_E_INVAL;
	if (v)
		*v = ns_tab[ns].ns_tab[i].v;
	if (name)
		*name = ns_tab[ns].ns_tab[i].name;
	return GDOI_OK;
}

enum gdoi_ns
gdoi_attr_ns_for_keypkt(unsigned kd_type)
{
	switch (kd_type) {
	case KD_TYPE_TEK:
		return GDOI_NS_TEK_KEY_ATTR;
	case KD_TYPE_KEK:
		return GDOI_NS_KEK_KEY_ATTR;
	case KD_TYPE_LKH:
		return GDOI_NS_LKH_ATTR;
	case KD_TYPE_SID:
		return GDOI_NS_SID_ATTR;
	default:
		return GDOI_NS__COUNT;
	}
}

enum gdoi_ns
gdoi_attr_value_ns(enum gdoi_ns attr_ns, unsigned type)
{
	switch (attr_ns) {
	case GDOI_NS_IKE_ATTR:
		switch (type) {
		case IKE_ATTR_ENC: return GDOI_NS_IKE_ENC;
		case IKE_ATTR_HASH: return GDOI_NS_IKE_HASH;
		case IKE_ATTR_PRF: return GDOI_NS_IKE_HASH;
		case IKE_ATTR_AUTH: return GDOI_NS_IKE_AUTH;
		case IKE_ATTR_GROUP: return GDOI_NS_IKE_GROUP;
		case IKE_ATTR_LIFE_TYPE: return GDOI_NS_LIFE_TYPE;
		default: break;
		}
		break;
	case GDOI_NS_IPSEC_ATTR:
		switch (type) {
		case IPSEC_ATTR_LIFE_TYPE: return GDOI_NS_LIFE_TYPE;
		case IPSEC_ATTR_GROUP_DESC: return GDOI_NS_IKE_GROUP;
		case IPSEC_ATTR_ENCAP_MODE: return GDOI_NS_ENCAP;
		case IPSEC_ATTR_AUTH_ALG: return GDOI_NS_IPSEC_AUTH;
		case IPSEC_ATTR_ADDR_PRESERVATION: return GDOI_NS_ADDR_PRESERVATION;
		case IPSEC_ATTR_SA_DIRECTION: return GDOI_NS_SA_DIRECTION;
		default: break;
		}
		break;
	case GDOI_NS_KEK_ATTR:
		switch (type) {
		case KEK_ATTR_MANAGEMENT_ALGORITHM: return GDOI_NS_KEK_MGMT;
		case KEK_ATTR_ALGORITHM: return GDOI_NS_KEK_ALG;
		case KEK_ATTR_SIG_HASH_ALGORITHM: return GDOI_NS_SIG_HASH;
		case KEK_ATTR_SIG_ALGORITHM: return GDOI_NS_SIG_ALG;
		case KEK_ATTR_KE_OAKLEY_GROUP: return GDOI_NS_IKE_GROUP;
		default: break;
		}
		break;
	default:
		break;
	}
	return GDOI_NS__COUNT;
}
