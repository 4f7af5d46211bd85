/*
 * gdoi-ks: the key server.  Sockets, Phase 1 SAs, GROUPKEY-PULL
 * exchanges, the groups' keys and the member registry, tied together on
 * one libev loop.  Protocol logic lives in libgdoi (p1.c, pull.c,
 * policy.c); this file only moves datagrams, keeps state and logs.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "gdoi/buf.h"
#include "gdoi/ctl.h"
#include "gdoi/names.h"
#include "gdoi/wire.h"
#include "gdoi/dhpool.h"
#include "ks.h"

uint64_t
ks_now(const struct ks *k)
{
	return gdoi_rt_now(&k->k_rt);
}

static const char *
notify_name(uint16_t n, char *buf, size_t cap)
{
	return gdoi_name_buf(GDOI_NS_NOTIFY, n, buf, cap);
}

/* ------------------------------------------------------------------ */
/* Group keys                                                           */

static int
random_nonzero32(uint32_t *v)
{
	do {
		if (RAND_bytes((unsigned char *)v, sizeof(*v)) != 1)
			return -1;
	} while (*v == 0);
	return 0;
}

/* Load the group's RSA rekey signing key, or create it (0600) on first start. */
/*
 * Where a group's state lives.  -S moves the key file (same file name, in
 * that directory) and the sequence number state; otherwise the daemon
 * element's state-dir holds the sequence number state and any relative
 * authentication-key path; without either, the state file goes beside the
 * key.
 */
static int
ks_state_paths(struct ks *k, const struct gdoi_conf *conf, struct ks_group *g)
{
	const char *kp = g->g_conf->g_rekey.rk_key_path, *base = strrchr(kp, '/');
	const char *dir = k->k_opts.o_statedir != NULL ? k->k_opts.o_statedir : conf->c_state_dir;
	char path[4096], seq[4200];
	int n;

	if (k->k_opts.o_statedir != NULL)
		n = snprintf(path, sizeof(path), "%s/%s", dir, base != NULL ? base + 1 : kp);
	else if (kp[0] != '/' && dir != NULL)
		n = snprintf(path, sizeof(path), "%s/%s", dir, kp);
	else
		n = snprintf(path, sizeof(path), "%s", kp);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	base = strrchr(path, '/');
	if (dir != NULL)
		n = snprintf(seq, sizeof(seq), "%s/gdoi-%s.seq", dir, g->g_name);
	else if (base != NULL)
		n = snprintf(seq, sizeof(seq), "%.*s/gdoi-%s.seq", (int)(base - path), path,
		    g->g_name);
	else
		n = snprintf(seq, sizeof(seq), "gdoi-%s.seq", g->g_name);
	if (n < 0 || (size_t)n >= sizeof(seq))
		return -1;
	free(g->g_keypath);
	free(g->g_seqpath);
	g->g_keypath = strdup(path);
	g->g_seqpath = strdup(seq);
	return g->g_keypath != NULL && g->g_seqpath != NULL ? 0 : -1;
}

static int
ks_load_sigkey(struct ks *k, const struct gdoi_conf *conf, struct ks_group *g)
{
	const struct gdoi_conf_rekey *rk = &g->g_conf->g_rekey;
	const char *path;
	EVP_PKEY *pk = NULL;
	FILE *f;
	int fd;

	if (ks_state_paths(k, conf, g) < 0)
		return -1;
	path = g->g_keypath;

	f = fopen(path, "r");
	if (f != NULL) {
		pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "KS_NO_RSA_KEYS",
			    "%s: not an RSA private key in PEM for group %s", path, g->g_name);
			EVP_PKEY_free(pk);
			return -1;
		}
	} else if (errno == ENOENT) {
		unsigned bits = rk->rk_key_bits != 0 ? rk->rk_key_bits : 2048;

		pk = EVP_RSA_gen(bits);
		if (pk == NULL)
			return -1;
		if (gdoi_mkdir_for(path) < 0 ||
		    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
		    (f = fdopen(fd, "w")) == NULL) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "KS_NO_RSA_KEYS",
			    "cannot create %s for group %s: %s", path, g->g_name, strerror(errno));
			EVP_PKEY_free(pk);
			return -1;
		}
		if (PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) != 1) {
			fclose(f);
			EVP_PKEY_free(pk);
			return -1;
		}
		fclose(f);
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_RSA_KEY_CREATED",
		    "Generated a %u-bit RSA rekey key for group %s in %s", bits, g->g_name, path);
	} else {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_NO_RSA_KEYS", "cannot read %s for group %s: %s",
		    path, g->g_name, strerror(errno));
		return -1;
	}
	EVP_PKEY_free(g->g_sigkey);
	g->g_sigkey = pk;
	return 0;
}

/* An explicit key log (lab) gets each KEK: gdoidump and gdoi-inject read rekeys with it. */
static void
ks_keylog_kek(struct ks *k, const struct ks_group *g)
{
	char line[256];

	if (k->k_rt.rt_keylog == NULL || !g->g_pol.gp_has_kek)
		return;
	if (gdoi_keylog_kek_line(line, sizeof(line), g->g_conf->g_identity, &g->g_pol.gp_kek) >= 0)
		(void)gdoi_keylog_write(k->k_rt.rt_keylog, line);
	OPENSSL_cleanse(line, sizeof(line));
}

int
ks_new_kek(struct ks *k, struct ks_group *g, uint64_t now)
{
	const struct gdoi_conf_group *c = g->g_conf;
	struct gdoi_kek *kek = &g->g_pol.gp_kek;
	unsigned char *der = NULL;
	int derlen;

	OPENSSL_cleanse(kek->kek_key, sizeof(kek->kek_key));
	free(kek->kek_pub);
	kek->kek_pub = NULL;
	memset(kek, 0, sizeof(*kek));
	kek->kek_alg = KEK_ALG_AES;
	kek->kek_keybits = c->g_rekey.rk_keybits != 0 ? c->g_rekey.rk_keybits : 128;
	if (RAND_bytes(kek->kek_spi, sizeof(kek->kek_spi)) != 1 ||
	    RAND_bytes(kek->kek_key, kek->kek_keybits / 8) != 1)
		return -1;
	kek->kek_life_s = c->g_rekey.rk_life_s != 0 ? c->g_rekey.rk_life_s : 86400;
	kek->kek_expiry_ms = now + (uint64_t)kek->kek_life_s * 1000;
	g->g_kek_created_ms = now;
	kek->kek_sig_hash = c->g_rekey.rk_sig_hash != 0 ? c->g_rekey.rk_sig_hash : SIG_HASH_SHA256;
	kek->kek_sig_alg = SIG_ALG_RSA;
	kek->kek_sig_keybits = (uint16_t)EVP_PKEY_get_bits(g->g_sigkey);
	derlen = i2d_PUBKEY(g->g_sigkey, &der);
	if (derlen <= 0)
		return -1;
	kek->kek_pub = malloc((size_t)derlen);
	if (kek->kek_pub == NULL) {
		OPENSSL_free(der);
		return -1;
	}
	memcpy(kek->kek_pub, der, (size_t)derlen);
	kek->kek_publen = (size_t)derlen;
	OPENSSL_free(der);
	kek->kek_af = c->g_local_af != 0 ? c->g_local_af : 4;
	memcpy(kek->kek_src, c->g_local_addr, sizeof(kek->kek_src));
	if (c->g_rekey.rk_multicast) {
		kek->kek_af = c->g_rekey.rk_af;
		memcpy(kek->kek_dst, c->g_rekey.rk_addr, sizeof(kek->kek_dst));
		kek->kek_multicast = 1;
	}
	kek->kek_port = k->k_conf->c_port != 0 ? k->k_conf->c_port : 848;
	g->g_pol.gp_has_kek = 1;
	ks_keylog_kek(k, g);
	return 0;
}

int
ks_new_tek(struct ks_group *g, struct gdoi_tek *t, uint64_t now)
{
	uint32_t spi;
	size_t i;

again:
	if (random_nonzero32(&spi) < 0)
		return -1;
	if (spi < 256) /* 1..255 are reserved for IANA (RFC 4303 2.1) */
		goto again;
	for (i = 0; i < g->g_pol.gp_ntek; i++)
		if (g->g_pol.gp_tek[i].tek_spi == spi)
			goto again;
	t->tek_spi = spi;
	OPENSSL_cleanse(t->tek_enc, sizeof(t->tek_enc));
	OPENSSL_cleanse(t->tek_int, sizeof(t->tek_int));
	if (RAND_bytes(t->tek_enc, (int)gdoi_tek_enc_keylen(&t->tek_x)) != 1)
		return -1;
	if (gdoi_tek_int_keylen(&t->tek_x) > 0 &&
	    RAND_bytes(t->tek_int, (int)gdoi_tek_int_keylen(&t->tek_x)) != 1)
		return -1;
	t->tek_expiry_ms = now + (uint64_t)t->tek_life_s * 1000;
	return 0;
}

/* The ACL and TEKs of a group from conf (the configuration being applied,
 * which a reload makes k->k_conf only afterwards), with new keys. */
static int
ks_group_teks(const struct gdoi_conf *conf, struct ks_group *g, uint64_t now)
{
	const struct gdoi_conf_group *c = g->g_conf;
	struct gdoi_gpolicy *p = &g->g_pol;
	size_t i, j;

	OPENSSL_cleanse(p->gp_tek, sizeof(p->gp_tek));
	p->gp_ntek = 0;
	memset(p->gp_acl, 0, sizeof(p->gp_acl));
	p->gp_nacl = 0;
	for (i = 0; i < c->g_nsa && i < GDOI_TEK_MAX; i++) {
		const struct gdoi_conf_sa *sa = &c->g_sa[i];
		const struct gdoi_conf_profile *pr = &conf->c_profile[sa->sa_profile];
		const struct gdoi_conf_acl *acl = &conf->c_acl[sa->sa_acl];
		struct gdoi_tek *t = &p->gp_tek[p->gp_ntek];

		if (p->gp_nacl + acl->acl_n > GDOI_ACL_MAX || acl->acl_n == 0)
			return -1;
		t->tek_x = pr->pr_x;
		t->tek_life_s = pr->pr_life_s != 0 ? pr->pr_life_s : 3600;
		t->tek_addr_pres = GDOI_AP_SRC_DST;
		t->tek_dir = GDOI_DIR_SYMMETRIC;
		t->tek_acl_first = (uint16_t)p->gp_nacl;
		t->tek_acl_n = (uint16_t)acl->acl_n;
		for (j = 0; j < acl->acl_n; j++)
			p->gp_acl[p->gp_nacl++] = acl->acl_e[j];
		p->gp_ntek++;
		if (ks_new_tek(g, t, now) < 0)
			return -1;
	}
	return 0;
}

/* The whole policy of a group from its configuration: ACL, TEKs, KEK. */
static int
ks_group_build(struct ks *k, const struct gdoi_conf *conf, struct ks_group *g, uint64_t now)
{
	const struct gdoi_conf_group *c = g->g_conf;
	struct gdoi_gpolicy *p = &g->g_pol;

	gdoi_gpolicy_clear(p);
	p->gp_group = c->g_identity;
	if (ks_group_teks(conf, g, now) < 0)
		return -1;
	/* no <rekey>: no rekey SA, the members re-register before TEK expiry */
	if (c->g_rekey.rk_key_path == NULL)
		return 0;
	if (g->g_sigkey == NULL && ks_load_sigkey(k, conf, g) < 0)
		return -1;
	if (ks_seq_load(k, g) < 0)
		return -1;
	return ks_new_kek(k, g, now);
}

/*
 * Keys about to run out are replaced when a member registers, so a key
 * server without a rekey schedule never hands out a key that expires
 * before the member's own re-registration window (60-90 s ahead): a TEK
 * with less than KS_MIN_HANDOUT_S left (half its lifetime for very short
 * ones) is replaced, and so is a KEK.  (The rekey scheduler replaces them
 * before expiry and pushes them.)
 */
#define KS_MIN_HANDOUT_S 120u

static uint64_t
handout_floor_ms(uint32_t life_s)
{
	uint32_t f = KS_MIN_HANDOUT_S < life_s / 2 ? KS_MIN_HANDOUT_S : life_s / 2;

	return (uint64_t)f * 1000;
}

static int
ks_group_refresh(struct ks *k, struct ks_group *g, uint64_t now)
{
	size_t i;

	for (i = 0; i < g->g_pol.gp_ntek; i++) {
		struct gdoi_tek *t = &g->g_pol.gp_tek[i];

		if (t->tek_expiry_ms <= now + handout_floor_ms(t->tek_life_s)) {
			if (ks_new_tek(g, t, now) < 0)
				return -1;
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_NEW_TEK",
			    "Group %s: new TEK, SPI 0x%08X, lifetime %u s", g->g_name, t->tek_spi,
			    t->tek_life_s);
		}
	}
	if (g->g_pol.gp_has_kek &&
	    g->g_pol.gp_kek.kek_expiry_ms <= now + handout_floor_ms(g->g_pol.gp_kek.kek_life_s)) {
		if (ks_new_kek(k, g, now) < 0)
			return -1;
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_NEW_KEK", "Group %s: new KEK, lifetime %u s",
		    g->g_name, g->g_pol.gp_kek.kek_life_s);
	}
	return 0;
}

static void
ks_group_clear(struct ks_group *g)
{
	struct ks_member *m, *n;

	gdoi_gpolicy_clear(&g->g_pol);
	ks_rekey_clear(g);
	EVP_PKEY_free(g->g_sigkey);
	g->g_sigkey = NULL;
	free(g->g_keypath);
	g->g_keypath = NULL;
	free(g->g_seqpath);
	g->g_seqpath = NULL;
	free(g->g_mhash);
	g->g_mhash = NULL;
	g->g_mhash_n = 0;
	g->g_mtail = NULL;
	for (m = g->g_members; m != NULL; m = n) {
		n = m->m_next;
		free(m->m_ident);
		free(m);
	}
	g->g_members = NULL;
	g->g_nmembers = 0;
	g->g_nremoved = 0;
}

static struct ks_group *
ks_group_by_id(struct ks *k, uint32_t id)
{
	size_t i;

	for (i = 0; i < k->k_ngroups; i++)
		if (k->k_groups[i].g_conf->g_identity == id)
			return &k->k_groups[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Member registry                                                      */

/*
 * The two chained hash tables of this file (members by address, SAs by
 * initiator cookie) share their hash and their size: FNV-1a of the key,
 * a power-of-two bucket count of at least n / 2 for n entries.
 */
static size_t
ks_bucket(const uint8_t *key, size_t len, size_t nb)
{
	return gdoi_fnv1a(GDOI_FNV1A_INIT, key, len) & (nb - 1);
}

/* The bucket count for n entries, growing from cur (0: none yet). */
static size_t
ks_buckets_for(size_t cur, size_t n)
{
	size_t nb = cur != 0 ? cur : 256;

	while (nb < n / 2)
		nb *= 2;
	return nb;
}

static size_t
member_hash(uint8_t af, const uint8_t *addr, size_t nb)
{
	return ks_bucket(addr, af == 6 ? 16 : 4, nb);
}

struct ks_member *
ks_member_find(const struct ks_group *g, uint8_t af, const uint8_t *addr)
{
	struct ks_member *m;

	if (g->g_mhash == NULL)
		return NULL;
	for (m = g->g_mhash[member_hash(af, addr, g->g_mhash_n)]; m != NULL; m = m->m_hnext)
		if (m->m_af == af && memcmp(m->m_addr, addr, af == 6 ? 16 : 4) == 0)
			return m;
	return NULL;
}

/* Buckets for n members (at most 2 per bucket on average); 0 or -1. */
static int
member_hash_grow(struct ks_group *g, size_t n)
{
	struct ks_member **nh, *m;
	size_t nb = ks_buckets_for(g->g_mhash_n, n), h;

	if (nb == g->g_mhash_n)
		return 0;
	if ((nh = calloc(nb, sizeof(*nh))) == NULL)
		return -1;
	for (m = g->g_members; m != NULL; m = m->m_next) {
		h = member_hash(m->m_af, m->m_addr, nb);
		m->m_hnext = nh[h];
		nh[h] = m;
	}
	free(g->g_mhash);
	g->g_mhash = nh;
	g->g_mhash_n = nb;
	return 0;
}

/* The member's identity as text, in an allocation of its own size (the
 * identity of most members is an address: a few octets, not 256). */
static void
ks_member_ident(struct ks_member *m, const struct gdoi_id *id)
{
	char buf[256];
	char *p;

	if (id != NULL)
		gdoi_id_str(id, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "-");
	if (m->m_ident != NULL && strcmp(m->m_ident, buf) == 0)
		return;
	if ((p = strdup(buf)) == NULL)
		return; /* keep the previous one (or none: shown as "-") */
	free(m->m_ident);
	m->m_ident = p;
}

static void
ks_member_add(struct ks_group *g, const struct gdoi_p1_sa *p1, size_t nsids)
{
	const struct gdoi_p1_peer *peer = gdoi_p1_peer(p1);
	const struct gdoi_id *id = gdoi_p1_peer_id(p1);
	uint8_t af = peer->pa_alen == 16 ? 6 : 4;
	struct ks_member *m;
	size_t h;

	if ((m = ks_member_find(g, af, peer->pa_addr)) == NULL) {
		if (member_hash_grow(g, g->g_nmembers + 1) < 0 || (m = calloc(1, sizeof(*m))) == NULL)
			return;
		m->m_af = af;
		memcpy(m->m_addr, peer->pa_addr, peer->pa_alen);
		m->m_first = time(NULL);
		/* keep the list in registration order */
		if (g->g_mtail != NULL)
			g->g_mtail->m_next = m;
		else
			g->g_members = m;
		g->g_mtail = m;
		h = member_hash(af, m->m_addr, g->g_mhash_n);
		m->m_hnext = g->g_mhash[h];
		g->g_mhash[h] = m;
		g->g_nmembers++;
	}
	m->m_last = time(NULL);
	m->m_regs++;
	/* registered again: rekeys reach it again (it was removed, perhaps) */
	if (m->m_ejected && g->g_nremoved > 0)
		g->g_nremoved--;
	m->m_ejected = 0;
	m->m_missed_run = 0;
	m->m_sids = (unsigned)nsids;
	ks_member_ident(m, id);
}

/* ------------------------------------------------------------------ */
/* GROUPKEY-PULL callbacks                                              */

static char *
peer_cert_dn(const struct gdoi_p1_sa *p1)
{
	X509 *c = gdoi_p1_peer_cert(p1);
	BIO *b;
	char *s = NULL;
	long n;
	char *p;

	if (c == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, X509_get_subject_name(c), 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &p);
		if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
			memcpy(s, p, (size_t)n);
			s[n] = '\0';
		}
	}
	BIO_free(b);
	return s;
}

static int
ks_lookup(void *arg, const struct gdoi_p1_sa *p1, uint32_t group,
    const struct gdoi_gpolicy **pol)
{
	struct ks *k = arg;
	struct ks_group *g = ks_group_by_id(k, group);
	const struct gdoi_id *id = gdoi_p1_peer_id(p1);
	char who[64], ident[256];
	char *dn;
	int ok;

	gdoi_peer_str(gdoi_p1_peer(p1), who, sizeof(who));
	if (g == NULL) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_UNKNOWN_GROUP",
		    "Registration request from %s for group identity %u, which is not configured",
		    who, group);
		return N_INVALID_ID_INFORMATION;
	}
	if (id != NULL)
		gdoi_id_str(id, ident, sizeof(ident));
	else
		snprintf(ident, sizeof(ident), "%s", who);
	dn = peer_cert_dn(p1);
	ok = id != NULL && gdoi_conf_authorized(g->g_conf, id, dn);
	free(dn);
	if (!ok) {
		g->g_regs_refused++;
		gdoi_log("GDOI", GDOI_LOG_ALERT, "UNAUTHORIZED_IDENTITY",
		    "Group %s received registration from unauthorized identity: %s", g->g_name,
		    ident);
		return N_INVALID_ID_INFORMATION;
	}
	/* a group with a rekey SA renews its keys by rekeys, before they expire */
	if (!g->g_pol.gp_has_kek && ks_group_refresh(k, g, ks_now(k)) < 0)
		return N_INVALID_KEY_INFORMATION;
	*pol = &g->g_pol;
	return 0;
}

static int
ks_sid_alloc(void *arg, const struct gdoi_p1_sa *p1, uint32_t group, unsigned n,
    struct gdoi_sid_grant *gr, size_t cap)
{
	struct ks *k = arg;
	struct ks_group *g = ks_group_by_id(k, group);
	unsigned bits;
	size_t i, out = 0;

	(void)p1;
	(void)n;
	if (g == NULL)
		return -N_INVALID_ID_INFORMATION;
	bits = g->g_conf->g_sid_bits != 0 ? g->g_conf->g_sid_bits : 8;
	for (i = 0; i < g->g_pol.gp_ntek && out < cap; i++) {
		const struct gdoi_tek *t = &g->g_pol.gp_tek[i];

		if (t->tek_x.tx_esp != ESP_T_AES_GCM_16)
			continue;
		/* SID 0 is not handed out; a SID is never reused under a TEK */
		if (g->g_sid_next == 0)
			g->g_sid_next = 1;
		if (bits < 32 && g->g_sid_next >= (1u << bits)) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "KS_SID_EXHAUSTED",
			    "Group %s: all %u-bit sender IDs are in use", g->g_name, bits);
			return -N_INVALID_KEY_INFORMATION;
		}
		gr[out].sg_spi = t->tek_spi;
		gr[out].sg_bits = (uint8_t)bits;
		gr[out].sg_sid = g->g_sid_next;
		out++;
	}
	if (out > 0)
		g->g_sid_next++;
	return (int)out;
}

static uint32_t
ks_seq(void *arg, uint32_t group)
{
	struct ks *k = arg;
	struct ks_group *g = ks_group_by_id(k, group);

	return g != NULL ? g->g_seq : 0;
}

static const struct gdoi_pull_ks_ops *
ks_ops(struct ks *k)
{
	static struct gdoi_pull_ks_ops ops;

	ops.lookup = ks_lookup;
	ops.sid_alloc = ks_sid_alloc;
	ops.seq = ks_seq;
	ops.arg = k;
	return &ops;
}

/* ------------------------------------------------------------------ */
/* Phase 1 SAs and their exchanges                                      */

static void
ks_send(struct ks *k, const struct ks_sa *s, const uint8_t *msg, size_t len)
{
	char who[64];
	int rc;

	if (len == 0)
		return;
	rc = gdoi_udp_send(s->s_fd, &s->s_peer, msg, len);
	if (rc < 0)
		gdoi_log_rl(&k->k_rl_bad, ks_now(k), "GDOI", GDOI_LOG_WARNING, "SEND_FAILED",
		    "sending %zu octets to %s: %s", len, gdoi_peer_str(&s->s_peer, who, sizeof(who)),
		    strerror(-rc));
	else
		k->k_tx++;
}

/* ------------------------------------------------------------------ */
/* SA index: a hash of the initiator cookie, a min-heap of deadlines    */

/* the cookie is the peer's random (RFC 2408 2.5.3) */
static size_t
sa_hash(const uint8_t *ic, size_t nb)
{
	return ks_bucket(ic, ISAKMP_COOKIE_LEN, nb);
}

/* Buckets for n SAs (at most 2 per bucket on average); 0 or -1. */
static int
sa_hash_grow(struct ks *k, size_t n)
{
	struct ks_sa **nh, *s;
	size_t nb = ks_buckets_for(k->k_sahash_n, n), h;

	if (nb == k->k_sahash_n)
		return 0;
	if ((nh = calloc(nb, sizeof(*nh))) == NULL)
		return -1;
	for (s = k->k_sas; s != NULL; s = s->s_next) {
		h = sa_hash(gdoi_p1_icookie(s->s_p1), nb);
		s->s_hnext = nh[h];
		nh[h] = s;
	}
	free(k->k_sahash);
	k->k_sahash = nh;
	k->k_sahash_n = nb;
	return 0;
}

/* Make s known: the list, the hash (s->s_p1 set).  0 or -1 (not added). */
static int
ks_sa_link(struct ks *k, struct ks_sa *s)
{
	size_t h;

	if (sa_hash_grow(k, k->k_nsas + 1) < 0)
		return -1;
	s->s_prev = NULL;
	s->s_next = k->k_sas;
	if (k->k_sas != NULL)
		k->k_sas->s_prev = s;
	k->k_sas = s;
	k->k_nsas++;
	h = sa_hash(gdoi_p1_icookie(s->s_p1), k->k_sahash_n);
	s->s_hnext = k->k_sahash[h];
	k->k_sahash[h] = s;
	s->s_heap = KS_NO_HEAP;
	return 0;
}

static void
heap_set(struct ks *k, size_t i, struct ks_sa *s)
{
	k->k_heap[i] = s;
	s->s_heap = i;
}

static void
heap_up(struct ks *k, size_t i)
{
	struct ks_sa *s = k->k_heap[i];

	while (i > 0 && k->k_heap[(i - 1) / 2]->s_due > s->s_due) {
		heap_set(k, i, k->k_heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(k, i, s);
}

static void
heap_down(struct ks *k, size_t i)
{
	struct ks_sa *s = k->k_heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= k->k_heap_n)
			break;
		if (c + 1 < k->k_heap_n && k->k_heap[c + 1]->s_due < k->k_heap[c]->s_due)
			c++;
		if (k->k_heap[c]->s_due >= s->s_due)
			break;
		heap_set(k, i, k->k_heap[c]);
		i = c;
	}
	heap_set(k, i, s);
}

static void
heap_remove(struct ks *k, struct ks_sa *s)
{
	size_t i = s->s_heap;
	struct ks_sa *last;

	if (i == KS_NO_HEAP)
		return;
	s->s_heap = KS_NO_HEAP;
	last = k->k_heap[--k->k_heap_n];
	if (last == s)
		return;
	heap_set(k, i, last);
	heap_up(k, i);
	heap_down(k, last->s_heap);
}

/* The earliest deadline of s and its exchanges. */
static uint64_t
ks_sa_due(const struct ks_sa *s)
{
	uint64_t next = gdoi_p1_next_deadline(s->s_p1), d;
	const struct ks_pull *x;

	for (x = s->s_pulls; x != NULL; x = x->x_next) {
		d = gdoi_pull_next_deadline(x->x_pull);
		if (d < next)
			next = d;
	}
	return next;
}

/*
 * After anything happened to s: its place in the heap of deadlines.
 * O(log n); an SA without a deadline leaves the heap.  If the heap
 * cannot grow, the SA is timed from the next event that touches it.
 */
static void
ks_sa_sched(struct ks *k, struct ks_sa *s)
{
	struct ks_sa **nh;
	size_t cap;

	s->s_due = ks_sa_due(s);
	if (s->s_due == UINT64_MAX) {
		heap_remove(k, s);
		return;
	}
	if (s->s_heap != KS_NO_HEAP) {
		heap_up(k, s->s_heap);
		heap_down(k, s->s_heap);
		return;
	}
	if (k->k_heap_n == k->k_heap_cap) {
		cap = k->k_heap_cap != 0 ? k->k_heap_cap * 2 : 256;
		if (cap > SIZE_MAX / sizeof(*nh) ||
		    (nh = realloc(k->k_heap, cap * sizeof(*nh))) == NULL)
			return;
		k->k_heap = nh;
		k->k_heap_cap = cap;
	}
	heap_set(k, k->k_heap_n, s);
	k->k_heap_n++;
	heap_up(k, s->s_heap);
}

static void
ks_sa_free(struct ks *k, struct ks_sa *s)
{
	struct ks_sa **pp;
	struct ks_pull *x, *n;

	heap_remove(k, s);
	if (s->s_prev != NULL)
		s->s_prev->s_next = s->s_next;
	else
		k->k_sas = s->s_next;
	if (s->s_next != NULL)
		s->s_next->s_prev = s->s_prev;
	k->k_nsas--;
	if (k->k_sahash != NULL)
		for (pp = &k->k_sahash[sa_hash(gdoi_p1_icookie(s->s_p1), k->k_sahash_n)];
		    *pp != NULL; pp = &(*pp)->s_hnext)
			if (*pp == s) {
				*pp = s->s_hnext;
				break;
			}
	for (x = s->s_pulls; x != NULL; x = n) {
		n = x->x_next;
		gdoi_pull_free(x->x_pull);
		free(x);
	}
	gdoi_p1_sa_free(s->s_p1);
	free(s);
}

static void
ks_pull_remove(struct ks_sa *s, struct ks_pull *x)
{
	struct ks_pull **pp;

	for (pp = &s->s_pulls; *pp != NULL; pp = &(*pp)->x_next)
		if (*pp == x) {
			*pp = x->x_next;
			break;
		}
	gdoi_pull_free(x->x_pull);
	free(x);
}

/* Act on what a Phase 1 call returned.  Returns 1 when s was freed. */
static int
ks_p1_out(struct ks *k, struct ks_sa *s, const struct gdoi_p1_out *o)
{
	char who[64], nb[32], line[256];

	ks_send(k, s, o->o_msg, o->o_len);
	gdoi_peer_str(&s->s_peer, who, sizeof(who));
	if (o->o_events & GDOI_P1_EV_ESTABLISHED) {
		k->k_p1_ok++;
		gdoi_debug("p1", "Phase 1 SA with %s established", who);
		if (k->k_rt.rt_keylog != NULL &&
		    gdoi_p1_keylog_line(s->s_p1, line, sizeof(line)) > 0)
			(void)gdoi_keylog_write(k->k_rt.rt_keylog, line);
	}
	if (o->o_events & GDOI_P1_EV_FAILED) {
		k->k_p1_fail++;
		switch (o->o_notify) {
		case N_INVALID_HASH_INFORMATION:
		case N_AUTHENTICATION_FAILED:
		case N_PAYLOAD_MALFORMED:
		case N_INVALID_SIGNATURE:
		case N_INVALID_CERTIFICATE:
			gdoi_log("CRYPTO", GDOI_LOG_WARNING, "IKMP_BAD_MESSAGE",
			    "IKE message from %s failed its sanity check or is malformed", who);
			break;
		case 0:
			gdoi_log("CRYPTO", GDOI_LOG_INFO, "IKMP_MODE_FAILURE",
			    "Processing of Main mode failed with peer at %s: no answer", who);
			break;
		default:
			gdoi_log("CRYPTO", GDOI_LOG_INFO, "IKMP_MODE_FAILURE",
			    "Processing of Main mode failed with peer at %s: %s", who,
			    notify_name(o->o_notify, nb, sizeof(nb)));
			break;
		}
		ks_sa_free(k, s);
		return 1;
	}
	if (o->o_events & (GDOI_P1_EV_EXPIRED | GDOI_P1_EV_DELETED)) {
		gdoi_debug("p1", "Phase 1 SA with %s %s", who,
		    (o->o_events & GDOI_P1_EV_EXPIRED) ? "expired" : "deleted by the peer");
		ks_sa_free(k, s);
		return 1;
	}
	return 0;
}

/* Act on what a PULL call returned.  Returns 1 when x was freed. */
static int
ks_pull_out(struct ks *k, struct ks_sa *s, struct ks_pull *x, const struct gdoi_pull_out *o)
{
	char who[64], nb[32];
	struct ks_group *g;

	ks_send(k, s, o->o_msg, o->o_len);
	gdoi_peer_str(&s->s_peer, who, sizeof(who));
	if (o->o_events & GDOI_PULL_EV_DONE) {
		const struct gdoi_sid_grant *sg;
		size_t nsg = gdoi_pull_sids(x->x_pull, &sg);

		g = ks_group_by_id(k, gdoi_pull_group(x->x_pull));
		if (g != NULL) {
			g->g_regs_ok++;
			ks_member_add(g, s->s_p1, nsg);
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_REGS_COMPL",
			    "KS completed successful registration in group %s with GM %s",
			    g->g_name, who);
		}
		/* lingering for retransmissions of message 3: keep only that */
		gdoi_pull_compact(x->x_pull);
	}
	if (o->o_events & GDOI_PULL_EV_FAILED) {
		if (o->o_notify != N_INVALID_ID_INFORMATION)
			gdoi_log("GDOI", GDOI_LOG_WARNING, "KS_REGS_FAIL",
			    "Registration of GM %s failed: %s", who,
			    o->o_notify != 0 ? notify_name(o->o_notify, nb, sizeof(nb)) : "no answer");
		ks_pull_remove(s, x);
		return 1;
	}
	if (o->o_events & GDOI_PULL_EV_EXPIRED) {
		ks_pull_remove(s, x);
		return 1;
	}
	return 0;
}

/* The SA of (peer, initiator cookie[, responder cookie]): O(1) by the hash. */
static struct ks_sa *
ks_sa_find(struct ks *k, const struct gdoi_p1_peer *peer, const uint8_t *ic, const uint8_t *rc)
{
	struct ks_sa *s;

	if (k->k_sahash == NULL)
		return NULL;
	for (s = k->k_sahash[sa_hash(ic, k->k_sahash_n)]; s != NULL; s = s->s_hnext) {
		if (memcmp(gdoi_p1_icookie(s->s_p1), ic, ISAKMP_COOKIE_LEN) != 0)
			continue;
		if (s->s_peer.pa_alen != peer->pa_alen ||
		    memcmp(s->s_peer.pa_addr, peer->pa_addr, peer->pa_alen) != 0)
			continue;
		if (rc == NULL || memcmp(gdoi_p1_rcookie(s->s_p1), rc, ISAKMP_COOKIE_LEN) == 0)
			return s;
	}
	return NULL;
}

static void
ks_bad(struct ks *k, const struct gdoi_p1_peer *peer, const char *why)
{
	char who[64];

	k->k_rx_bad++;
	gdoi_log_rl(&k->k_rl_bad, ks_now(k), "CRYPTO", GDOI_LOG_WARNING, "IKMP_BAD_MESSAGE",
	    "IKE message from %s failed its sanity check or is malformed (%s)",
	    gdoi_peer_str(peer, who, sizeof(who)), why);
}

static void
ks_input_pull(struct ks *k, struct ks_sa *s, const uint8_t *msg, size_t len, uint32_t msgid)
{
	static struct gdoi_pull_out o;
	struct ks_pull *x;
	struct gdoi_pull *nx = NULL;
	int rc;

	if (gdoi_p1_state(s->s_p1) != GDOI_P1_ESTABLISHED) {
		ks_bad(k, &s->s_peer, "GROUPKEY-PULL before Phase 1 completed");
		return;
	}
	for (x = s->s_pulls; x != NULL; x = x->x_next)
		if (gdoi_pull_msgid(x->x_pull) == msgid)
			break;
	memset(&o, 0, offsetof(struct gdoi_pull_out, o_msg));
	if (x != NULL) {
		rc = gdoi_pull_input(x->x_pull, msg, len, ks_now(k), &o);
		if (rc < 0 && o.o_len == 0 && o.o_events == 0)
			ks_bad(k, &s->s_peer, gdoi_strerror(rc));
		(void)ks_pull_out(k, s, x, &o);
		return;
	}
	rc = gdoi_pull_respond(s->s_p1, ks_ops(k), msg, len, ks_now(k), &nx, &o);
	if (nx == NULL) {
		ks_send(k, s, o.o_msg, o.o_len);
		if (rc < 0 && o.o_events == 0)
			ks_bad(k, &s->s_peer, gdoi_strerror(rc));
		return;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		gdoi_pull_free(nx);
		return;
	}
	x->x_pull = nx;
	x->x_next = s->s_pulls;
	s->s_pulls = x;
	(void)ks_pull_out(k, s, x, &o);
}

static void
ks_input(struct ks *k, int fd, const struct gdoi_p1_peer *peer, const uint8_t *msg, size_t len)
{
	static const uint8_t zero[ISAKMP_COOKIE_LEN];
	static struct gdoi_p1_out o;
	struct isakmp_hdr h;
	struct gdoi_rd rd;
	const uint8_t *ic = h.h_icookie, *rc = h.h_rcookie;
	uint8_t exch;
	uint32_t msgid;
	struct ks_sa *s;
	int r;

	k->k_rx++;
	gdoi_rd_init(&rd, msg, len);
	if ((r = gdoi_hdr_decode(&rd, &h, NULL)) < 0) {
		ks_bad(k, peer, gdoi_strerror(r));
		return;
	}
	exch = h.h_exchange;
	msgid = h.h_msgid;
	memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
	if (exch == GDOI_EX_PUSH_ACK) { /* cookies are a KEK SPI, not a Phase 1 SA */
		ks_rekey_ack_input(k, peer, msg, len);
		return;
	}

	if (memcmp(rc, zero, sizeof(zero)) == 0) {
		s = ks_sa_find(k, peer, ic, NULL);
		if (s != NULL && gdoi_p1_state(s->s_p1) == GDOI_P1_MM_R1) {
			(void)gdoi_p1_input(s->s_p1, msg, len, ks_now(k), &o);
			if (ks_p1_out(k, s, &o) == 0)
				ks_sa_sched(k, s);
			return;
		}
		if (exch != ISAKMP_EX_MAIN) {
			ks_bad(k, peer, "no responder cookie outside Main Mode");
			return;
		}
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return;
		s->s_peer = *peer;
		s->s_fd = fd;
		r = gdoi_p1_respond(&k->k_p1, peer, msg, len, ks_now(k), &s->s_p1, &o);
		if (s->s_p1 == NULL) {
			ks_send(k, s, o.o_msg, o.o_len);
			if (o.o_len > 0) {
				char nb[32], who[64];
				gdoi_log("CRYPTO", GDOI_LOG_INFO, "IKMP_MODE_FAILURE",
				    "Processing of Main mode failed with peer at %s: %s",
				    gdoi_peer_str(peer, who, sizeof(who)),
				    notify_name(o.o_notify, nb, sizeof(nb)));
			} else if (r != GDOI_E_NOMEM)
				ks_bad(k, peer, gdoi_strerror(r));
			free(s);
			return;
		}
		if (ks_sa_link(k, s) < 0) {
			gdoi_p1_sa_free(s->s_p1);
			free(s);
			return;
		}
		if (ks_p1_out(k, s, &o) == 0)
			ks_sa_sched(k, s);
		return;
	}
	if (!gdoi_p1_cookie_ok(&k->k_p1, peer, ic, rc)) {
		ks_bad(k, peer, "responder cookie not ours");
		return;
	}
	s = ks_sa_find(k, peer, ic, rc);
	if (s == NULL) {
		gdoi_debug("p1", "datagram for an unknown SA dropped");
		return;
	}
	switch (exch) {
	case ISAKMP_EX_MAIN:
	case ISAKMP_EX_INFO:
		r = gdoi_p1_input(s->s_p1, msg, len, ks_now(k), &o);
		if (r < 0 && o.o_len == 0 && o.o_events == 0)
			ks_bad(k, peer, gdoi_strerror(r));
		if (ks_p1_out(k, s, &o) == 0)
			ks_sa_sched(k, s);
		break;
	case GDOI_EX_PULL:
		ks_input_pull(k, s, msg, len, msgid);
		ks_sa_sched(k, s);
		break;
	default:
		ks_bad(k, peer, "unexpected exchange type");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Timer: one libev timer at the earliest deadline: the rekeys' and the */
/* top of the SAs' heap                                                 */

static void
ks_rearm(struct ks *k)
{
	uint64_t next = ks_rekey_deadline(k);

	if (k->k_heap_n > 0 && k->k_heap[0]->s_due < next)
		next = k->k_heap[0]->s_due;
	gdoi_rt_timer_at(&k->k_rt, next);
}

/* The SAs whose deadline has come, earliest first; the others untouched. */
static void
ks_timer(void *arg)
{
	static struct gdoi_p1_out o;
	static struct gdoi_pull_out po;
	struct ks *k = arg;
	uint64_t now = ks_now(k);
	struct ks_sa *s;
	struct ks_pull *x, *xn;

	ks_rekey_tick(k, now);
	while (k->k_heap_n > 0 && k->k_heap[0]->s_due <= now) {
		s = k->k_heap[0];
		for (x = s->s_pulls; x != NULL; x = xn) {
			xn = x->x_next;
			if (gdoi_pull_next_deadline(x->x_pull) > now)
				continue;
			memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
			gdoi_pull_tick(x->x_pull, now, &po);
			(void)ks_pull_out(k, s, x, &po);
		}
		if (gdoi_p1_next_deadline(s->s_p1) <= now) {
			memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
			gdoi_p1_tick(s->s_p1, now, &o);
			if (ks_p1_out(k, s, &o) != 0)
				continue; /* freed */
		}
		ks_sa_sched(k, s);
		if (s->s_heap != KS_NO_HEAP && s->s_due <= now) {
			/* a deadline the tick did not move: next millisecond, not a spin */
			s->s_due = now + 1;
			heap_down(k, s->s_heap);
		}
	}
}

static void
ks_datagram(void *arg, int fd, const struct gdoi_p1_peer *peer, const uint8_t *msg, size_t len)
{
	ks_input(arg, fd, peer, msg, len);
}

static void
ks_oversize(void *arg, const struct gdoi_p1_peer *peer)
{
	ks_bad(arg, peer, "datagram larger than 64 KiB");
}

static void
ks_rearm_cb(void *arg)
{
	ks_rearm(arg);
}

static int
ks_reload_cb(void *arg)
{
	return ks_reload(arg);
}

/* DH pairs made ahead by worker threads for the Phase 1 groups offered. */
static void
ks_dhpool(const struct gdoi_conf *c)
{
	unsigned groups[GDOI_DHPOOL_GROUPS], threads;
	size_t i, n = 0;

	threads = c->c_dh_workers >= 0 ? (unsigned)c->c_dh_workers : gdoi_dhpool_default_threads();
	for (i = 0; i < c->c_nike && n < GDOI_DHPOOL_GROUPS; i++)
		groups[n++] = c->c_ike[i].pp_group;
	if (gdoi_dhpool_start(groups, n, threads, 256) == 0 && threads > 0)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_DH_POOL", "%u thread%s make Phase 1 DH key "
		    "pairs ahead of need", threads, threads == 1 ? "" : "s");
}

static void
ks_start(void *arg)
{
	struct ks *k = arg;

	ks_dhpool(k->k_conf);
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_START", "Key server started with %zu group%s from %s",
	    k->k_ngroups, k->k_ngroups == 1 ? "" : "s", k->k_opts.o_conf);
}

static const struct gdoi_rt_ops ks_rt_ops = {
	.ro_name = "Key server",
	.ro_stop = "KS_STOP",
	.ro_ctl = ks_ctl,
	.ro_datagram = ks_datagram,
	.ro_oversize = ks_oversize,
	.ro_timer = ks_timer,
	.ro_rearm = ks_rearm_cb,
	.ro_reload = ks_reload_cb,
	.ro_start = ks_start,
};

/* ------------------------------------------------------------------ */
/* Configuration: Phase 1 context, groups, sockets                      */

/*
 * Groups of the new configuration c.  A group kept by name with the same
 * identity and rekey key keeps its members, SEQ and keys.  When its TEK
 * settings (transform, lifetime, access list) changed, it gets new TEKs
 * for the new policy; when its rekey settings (KEK algorithm, lifetime,
 * transport) changed, a new KEK.  With a rekey SA, the change is pushed at
 * once (a policy rekey, under the KEK the members hold); without one, the
 * members get it at their next registration.  Any other group starts
 * afresh.
 */
static int
ks_teks_same(const struct gdoi_conf *oc, const struct gdoi_conf_group *og,
    const struct gdoi_conf *nc, const struct gdoi_conf_group *ng)
{
	size_t i;

	if (og->g_nsa != ng->g_nsa)
		return 0;
	for (i = 0; i < og->g_nsa; i++) {
		const struct gdoi_conf_profile *op = &oc->c_profile[og->g_sa[i].sa_profile];
		const struct gdoi_conf_profile *np = &nc->c_profile[ng->g_sa[i].sa_profile];
		const struct gdoi_conf_acl *oa = &oc->c_acl[og->g_sa[i].sa_acl];
		const struct gdoi_conf_acl *na = &nc->c_acl[ng->g_sa[i].sa_acl];

		if (memcmp(&op->pr_x, &np->pr_x, sizeof(op->pr_x)) != 0 ||
		    op->pr_life_s != np->pr_life_s || oa->acl_n != na->acl_n ||
		    memcmp(oa->acl_e, na->acl_e, oa->acl_n * sizeof(*oa->acl_e)) != 0)
			return 0;
	}
	return 1;
}

static int
ks_kek_same(const struct gdoi_conf_group *og, const struct gdoi_conf_group *ng)
{
	const struct gdoi_conf_rekey *o = &og->g_rekey, *n = &ng->g_rekey;

	return o->rk_keybits == n->rk_keybits && o->rk_life_s == n->rk_life_s &&
	    o->rk_multicast == n->rk_multicast && o->rk_af == n->rk_af &&
	    memcmp(o->rk_addr, n->rk_addr, sizeof(o->rk_addr)) == 0 &&
	    o->rk_sig_hash == n->rk_sig_hash &&
	    og->g_local_af == ng->g_local_af &&
	    memcmp(og->g_local_addr, ng->g_local_addr, sizeof(og->g_local_addr)) == 0;
}

/* May og's state move to ng (same group, same rekey signing key)? */
static int
ks_same_group(const struct gdoi_conf_group *og, const struct gdoi_conf_group *ng)
{
	const char *ok = og->g_rekey.rk_key_path, *nk = ng->g_rekey.rk_key_path;

	return og->g_identity == ng->g_identity &&
	    ((ok == NULL && nk == NULL) || (ok != NULL && nk != NULL && strcmp(ok, nk) == 0));
}

static int
ks_apply_groups(struct ks *k, struct gdoi_conf *c)
{
	struct ks_group *ng;
	size_t i, j;
	uint64_t now = ks_now(k);

	ng = calloc(c->c_ngroup != 0 ? c->c_ngroup : 1, sizeof(*ng));
	if (ng == NULL)
		return -1;
	for (i = 0; i < c->c_ngroup; i++) {
		struct ks_group *g = &ng[i];
		int moved = 0, teks = 1, kek = 1;

		snprintf(g->g_name, sizeof(g->g_name), "%s", c->c_group[i].g_name);
		g->g_conf = &c->c_group[i];
		for (j = 0; j < k->k_ngroups; j++) {
			struct ks_group *og = &k->k_groups[j];

			if (og->g_conf == NULL || strcmp(og->g_name, g->g_name) != 0 ||
			    !ks_same_group(og->g_conf, g->g_conf))
				continue;
			teks = ks_teks_same(k->k_conf, og->g_conf, c, g->g_conf);
			kek = ks_kek_same(og->g_conf, g->g_conf);
			*g = *og; /* moves keys, members, SEQ */
			g->g_conf = &c->c_group[i];
			memset(og, 0, sizeof(*og));
			moved = 1;
			break;
		}
		if (moved && !teks && ks_group_teks(c, g, now) < 0)
			goto fail;
		if (moved && g->g_pol.gp_has_kek && g->g_sigkey != NULL && (!teks || !kek)) {
			g->g_policy_pending = !teks;
			g->g_policy_kek = !kek;
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_POLICY_CHANGE",
			    "Group %s: %s%s%s changed; rekeying the members now", g->g_name,
			    !teks ? "IPsec policy" : "", !teks && !kek ? " and " : "",
			    !kek ? "rekey policy" : "");
		}
		if (!moved && ks_group_build(k, c, g, now) < 0)
			goto fail;
		continue;
fail:
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_GROUP_FAILED",
		    "Group %s: cannot create its keys", g->g_name);
		for (j = 0; j <= i; j++)
			ks_group_clear(&ng[j]);
		free(ng);
		return -1;
	}
	for (j = 0; j < k->k_ngroups; j++)
		ks_group_clear(&k->k_groups[j]);
	free(k->k_groups);
	k->k_groups = ng;
	k->k_ngroups = c->c_ngroup;
	return 0;
}

/*
 * Our Phase 1 identity when the configuration names none and no
 * certificate gives a DN: the address of the first group's server-local
 * element (IOS: the address the KS is reached at).
 */
static int
ks_local_id(struct ks *k, const struct gdoi_conf *c)
{
	if (k->k_p1.x_local_id.id_type != 0 || k->k_p1.x_cert != NULL)
		return 0;
	if (c->c_ngroup == 0 || c->c_group[0].g_local_af == 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR",
		    "%s: no isakmp identity and no server-local address to use as one", c->c_file);
		return -1;
	}
	memcpy(k->k_local_id, c->c_group[0].g_local_addr, sizeof(k->k_local_id));
	k->k_p1.x_local_id.id_type = c->c_group[0].g_local_af == 6 ? ID_IPV6_ADDR : ID_IPV4_ADDR;
	k->k_p1.x_local_id.id_data.ptr = k->k_local_id;
	k->k_p1.x_local_id.id_data.len = c->c_group[0].g_local_af == 6 ? 16 : 4;
	return 0;
}

int
ks_check_conf(const struct gdoi_conf *c, char *err, size_t cap)
{
	size_t i;

	for (i = 0; i < c->c_ngroup; i++)
		if (!c->c_group[i].g_server_local) {
			snprintf(err, cap, "%s:%u: group %s has no server local: a key server "
			    "configuration needs it", c->c_file, c->c_group[i].g_line,
			    c->c_group[i].g_name);
			return -1;
		}
	if (c->c_nike == 0) {
		snprintf(err, cap, "%s: no isakmp policy", c->c_file);
		return -1;
	}
	if (c->c_dp.dp_on) {
		snprintf(err, cap, "%s:%u: datapath is a group member setting; a key server "
		    "programs no datapath", c->c_file, c->c_dp.dp_line);
		return -1;
	}
	return 0;
}

int
ks_reload(struct ks *k)
{
	struct gdoi_conf *c = NULL;
	char err[1024];

	if (gdoi_conf_load(k->k_opts.o_conf, &c, err, sizeof(err)) < 0 ||
	    ks_check_conf(c, err, sizeof(err)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR",
		    "%s; keeping the running configuration", err);
		gdoi_conf_free(c);
		return -1;
	}
	if (ks_apply_groups(k, c) < 0) {
		gdoi_conf_free(c);
		return -1;
	}
	if (gdoi_daemon_p1_ctx(&k->k_p1, c) < 0 || ks_local_id(k, c) < 0) {
		/* groups already point into c: keep c, Phase 1 without certificates */
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR",
		    "certificates of %s not loaded; signature authentication is off", c->c_file);
	}
	gdoi_conf_free(k->k_conf);
	k->k_conf = c;
	ks_dhpool(c);
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "CONFIG_RELOADED", "Configuration %s reloaded",
	    c->c_file);
	return 0;
}

int
ks_init(struct ks *k, const struct gdoi_daemon_opts *o)
{
	char err[1024];
	size_t i;

	memset(k, 0, sizeof(*k));
	k->k_opts = *o;
	k->k_started = time(NULL);
	if (gdoi_rt_init(&k->k_rt, &ks_rt_ops, k) < 0)
		return -1;
	if (gdoi_conf_load(o->o_conf, &k->k_conf, err, sizeof(err)) < 0 ||
	    ks_check_conf(k->k_conf, err, sizeof(err)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR", "%s", err);
		return -1;
	}
	if (RAND_bytes(k->k_p1.x_cookie_secret, sizeof(k->k_p1.x_cookie_secret)) != 1)
		return -1;
	if (gdoi_daemon_p1_ctx(&k->k_p1, k->k_conf) < 0 || ks_local_id(k, k->k_conf) < 0 ||
	    ks_apply_groups(k, k->k_conf) < 0)
		return -1;
	if (gdoi_rt_listen(&k->k_rt, k->k_conf) < 0)
		return -1;
	if (gdoi_rt_open(&k->k_rt, o, k->k_conf, "/run/gdoi/ks.sock") < 0)
		return -1;
	for (i = 0; i < k->k_ngroups; i++) /* made before the key log was open */
		ks_keylog_kek(k, &k->k_groups[i]);
	return 0;
}

void
ks_free(struct ks *k)
{
	size_t i;

	gdoi_dhpool_stop();
	while (k->k_sas != NULL)
		ks_sa_free(k, k->k_sas);
	free(k->k_sahash);
	k->k_sahash = NULL;
	k->k_sahash_n = 0;
	free(k->k_heap);
	k->k_heap = NULL;
	k->k_heap_n = k->k_heap_cap = 0;
	for (i = 0; i < k->k_ngroups; i++)
		ks_group_clear(&k->k_groups[i]);
	free(k->k_groups);
	k->k_groups = NULL;
	gdoi_rt_free(&k->k_rt);
	gdoi_p1_ctx_free_certs(&k->k_p1);
	OPENSSL_cleanse(k->k_p1.x_cookie_secret, sizeof(k->k_p1.x_cookie_secret));
	gdoi_conf_free(k->k_conf);
	memset(k, 0, sizeof(*k));
}
