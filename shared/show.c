/*
 * The policy sections of the show output, common to gdoi-ks and gdoi-gm:
 * the KEK and each TEK with its access list, in the layout of the IOS
 * "KEK POLICY" / "TEK POLICY" blocks.  Keys never appear, only a
 * fingerprint (gdoi_fingerprint) that tells whether two boxes hold the
 * same ones.
 */
#include <stdio.h>

#include "gdoi/buf.h"
#include "gdoi/daemon.h"
#include "gdoi/wire.h"

unsigned
gdoi_remaining_s(uint64_t expiry, uint64_t now)
{
	return expiry > now ? (unsigned)((expiry - now) / 1000) : 0;
}

static const char *
sig_hash_name(uint8_t h)
{
	switch (h) {
	case SIG_HASH_SHA1: return "HMAC_AUTH_SHA";
	case SIG_HASH_SHA256: return "HMAC_AUTH_SHA256";
	case SIG_HASH_SHA384: return "HMAC_AUTH_SHA384";
	case SIG_HASH_SHA512: return "HMAC_AUTH_SHA512";
	default: return "unknown";
	}
}

void
gdoi_show_kek(struct gdoi_tree *t, const struct gdoi_kek *kek, uint64_t now, uint64_t rekey_at)
{
	char hex[2 * GDOI_KEK_SPI_LEN + 1], fp[32];

	gdoi_hex_str(hex, sizeof(hex), kek->kek_spi, GDOI_KEK_SPI_LEN, 1);
	gdoi_tree_open(t, "kek", "KEK POLICY:");
	gdoi_tree_attr(t, "transport", "Rekey Transport Type", "%s",
	    kek->kek_multicast ? "Multicast" : "Unicast");
	gdoi_tree_attr(t, "spi", "SPI", "%s", hex);
	gdoi_tree_attr(t, "lifetime", "Lifetime (secs)", "%u",
	    gdoi_remaining_s(kek->kek_expiry_ms, now));
	gdoi_tree_attr(t, "initial_lifetime", "Initial Lifetime (secs)", "%u",
	    kek->kek_life_s);
	gdoi_tree_attr(t, "encrypt_algorithm", "Encrypt Algorithm", "%s",
	    kek->kek_alg == KEK_ALG_AES ? "AES" : "unknown");
	gdoi_tree_attr(t, "key_size", "Key Size", "%u", kek->kek_keybits);
	gdoi_tree_attr(t, "sig_hash", "Sig Hash Algorithm", "%s", sig_hash_name(kek->kek_sig_hash));
	gdoi_tree_attr(t, "sig_key_length", "Sig Key Length (bits)", "%u", kek->kek_sig_keybits);
	gdoi_tree_attr(t, "key_fingerprint", "Key Fingerprint", "%s",
	    gdoi_fingerprint(kek->kek_key, kek->kek_keybits / 8, kek->kek_pub, kek->kek_publen, fp,
		sizeof(fp)));
	if (rekey_at != UINT64_MAX)
		gdoi_tree_attr(t, "time_to_rekey", "Time to rekey (secs)", "%u",
		    gdoi_remaining_s(rekey_at, now));
	gdoi_tree_close(t);
}

void
gdoi_show_tek(struct gdoi_tree *t, const struct gdoi_gpolicy *p, size_t i, uint64_t now,
    uint64_t rekey_at)
{
	const struct gdoi_tek *k = &p->gp_tek[i];
	char key[24], xf[64], fp[32], line[160];
	size_t j, el = gdoi_tek_enc_keylen(&k->tek_x), il = gdoi_tek_int_keylen(&k->tek_x);

	snprintf(key, sizeof(key), "%zu", i);
	gdoi_tree_open(t, key, "IPsec SA:");
	gdoi_tree_attr(t, "spi", "spi:", "0x%08X", k->tek_spi);
	gdoi_tree_attr(t, "spi_dec", "spi (decimal):", "%u", k->tek_spi);
	gdoi_tree_attr(t, "transform", "transform:", "%s",
	    gdoi_tek_xform_name(&k->tek_x, xf, sizeof(xf)));
	gdoi_tree_attr(t, "remaining", "sa timing:remaining key lifetime (sec):", "%u",
	    gdoi_remaining_s(k->tek_expiry_ms, now));
	gdoi_tree_attr(t, "initial_lifetime", "initial key lifetime (sec):", "%u", k->tek_life_s);
	if (rekey_at != UINT64_MAX)
		gdoi_tree_attr(t, "time_to_rekey", "time to rekey (sec):", "%u",
		    gdoi_remaining_s(rekey_at, now));
	gdoi_tree_attr(t, "anti_replay", "Anti-Replay :", "%s", "Disabled");
	gdoi_tree_attr(t, "alg_key_size", "alg key size (bytes):", "%zu", el);
	gdoi_tree_attr(t, "sig_key_size", "sig key size (bytes):", "%zu", il);
	gdoi_tree_attr(t, "encaps", "encaps:", "%s", "ENCAPS_TUNNEL");
	gdoi_tree_attr(t, "key_fingerprint", "key fingerprint:", "%s",
	    gdoi_fingerprint(k->tek_enc, el, k->tek_int, il, fp, sizeof(fp)));
	if (k->tek_has_sid)
		gdoi_tree_attr(t, "sender_id", "sender id:", "%u (%u bits)", k->tek_sid,
		    k->tek_sid_bits);
	gdoi_tree_open(t, "acl", NULL);
	for (j = 0; j < k->tek_acl_n && k->tek_acl_first + j < p->gp_nacl; j++) {
		snprintf(key, sizeof(key), "%zu", j);
		gdoi_ace_format(&p->gp_acl[k->tek_acl_first + j], line, sizeof(line));
		gdoi_tree_attr(t, key, " ", "%s", line);
	}
	gdoi_tree_close(t);
	gdoi_tree_close(t);
}

