/*
 * gdoi-loadgen: one simulated group member.  The same library calls as
 * gdoi-gm (gm/gm.c, gm/gm_rekey.c): gdoi_p1_initiate / _input / _tick for
 * Main Mode, gdoi_pull_initiate / _input / _tick for GROUPKEY-PULL,
 * gdoi_push_open for rekeys, gdoi_ack_build for RFC 8263 ACKs.  What the
 * member keeps after registering is the KEK (and the one a KEK rekey
 * replaced) and the SEQ: the TEKs are not needed without a datapath.
 * A failed registration is counted under a reason and not retried.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "gdoi/ack.h"
#include "gdoi/log.h"
#include "gdoi/payload.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"
#include "loadgen.h"

int
lg_gm_socket(const uint8_t *addr, uint16_t port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* the address need not be configured: the lab routes the range here */
	if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	memcpy(&sin.sin_addr, addr, 4);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static void
drop_exchange(struct lg_gm *gm)
{
	gdoi_pull_free(gm->gm_pull);
	gm->gm_pull = NULL;
	gdoi_p1_sa_free(gm->gm_p1);
	gm->gm_p1 = NULL;
}

void
lg_gm_clear(struct lg_gm *gm)
{
	drop_exchange(gm);
	if (gm->gm_has_kek)
		gdoi_kek_clear(&gm->gm_kek);
	if (gm->gm_has_prev)
		gdoi_kek_clear(&gm->gm_prev);
	gm->gm_has_kek = gm->gm_has_prev = 0;
	OPENSSL_cleanse(&gm->gm_ctx, sizeof(gm->gm_ctx));
}

static void
gm_fail(struct lg *l, struct lg_gm *gm, const char *reason)
{
	char a[32];

	drop_exchange(gm);
	if (gm->gm_state == LG_P1 || gm->gm_state == LG_PULL)
		lg_inprog_remove(l, gm);
	gm->gm_state = LG_FAILED;
	lg_stats_fail(&l->l_st, reason);
	gdoi_debug("loadgen", "GM %s: registration failed: %s",
	    gdoi_addr_str(gm->gm_addr, 4, a, sizeof(a)), reason);
	lg_check_done(l);
}

void
lg_gm_abandon(struct lg *l, struct lg_gm *gm, const char *reason)
{
	if (gm->gm_state == LG_P1 || gm->gm_state == LG_PULL)
		gm_fail(l, gm, reason);
}

/* Failure reason of a notify: p1_auth for the Phase 1 authentication
 * refusals, timeout for none, notify_<N> otherwise. */
static void
fail_notify(struct lg *l, struct lg_gm *gm, uint16_t notify, int p1)
{
	char r[LG_REASON_LEN];

	if (notify == 0)
		snprintf(r, sizeof(r), "timeout");
	else if (p1 && (notify == N_INVALID_HASH_INFORMATION || notify == N_AUTHENTICATION_FAILED))
		snprintf(r, sizeof(r), "p1_auth");
	else
		snprintf(r, sizeof(r), "notify_%u", notify);
	gm_fail(l, gm, r);
}

/* 0, or -1 when the member failed (send_error). */
static int
gm_send(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *to, const uint8_t *msg,
    size_t len)
{
	int rc;

	if (len == 0)
		return 0;
	rc = gdoi_udp_send(gm->gm_fd, to, msg, len);
	/* a full queue is a loss that retransmission repairs */
	if (rc < 0 && rc != -EAGAIN && rc != -ENOBUFS) {
		gdoi_debug("loadgen", "send: %s", strerror(-rc));
		if (gm->gm_state == LG_P1 || gm->gm_state == LG_PULL)
			gm_fail(l, gm, "send_error");
		return -1;
	}
	return 0;
}

void
lg_gm_start(struct lg *l, struct lg_gm *gm)
{
	static struct gdoi_p1_out o;
	int rc;

	gm->gm_ctx = l->l_p1;
	gm->gm_ctx.x_local_id.id_type = ID_IPV4_ADDR;
	gm->gm_ctx.x_local_id.id_data.ptr = gm->gm_addr;
	gm->gm_ctx.x_local_id.id_data.len = 4;
	gm->gm_start_us = lg_now_us();
	if (l->l_st.st_first_start_us == 0)
		l->l_st.st_first_start_us = gm->gm_start_us;
	gm->gm_deadline_ms = lg_now_ms(l) + (uint64_t)l->l_reg_timeout_s * 1000;
	gm->gm_slot = l->l_ninprog;
	l->l_inprog[l->l_ninprog++] = gm;
	gm->gm_state = LG_P1;
	memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
	rc = gdoi_p1_initiate(&gm->gm_ctx, &l->l_ks, lg_now_ms(l), &gm->gm_p1, &o);
	if (rc < 0) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "LOADGEN", "Phase 1 not started: %s",
		    gdoi_strerror(rc));
		gm_fail(l, gm, "internal");
		return;
	}
	(void)gm_send(l, gm, &l->l_ks, o.o_msg, o.o_len);
}

/* GROUPKEY-PULL done: keep the KEK and the SEQ, drop the exchange. */
static void
gm_installed(struct lg *l, struct lg_gm *gm)
{
	const struct gdoi_gpolicy *p = gdoi_pull_policy(gm->gm_pull);

	if (p == NULL) {
		gm_fail(l, gm, "internal");
		return;
	}
	if (p->gp_has_kek) {
		if (gdoi_kek_copy(&gm->gm_kek, &p->gp_kek) < 0) {
			gm_fail(l, gm, "internal");
			return;
		}
		gm->gm_has_kek = 1;
	}
	gm->gm_has_seq = p->gp_has_seq;
	gm->gm_seq = p->gp_seq;
	drop_exchange(gm);
	lg_inprog_remove(l, gm);
	gm->gm_state = LG_DONE;
	lg_stats_registered(&l->l_st, gm->gm_start_us, lg_now_us());
	if (gm->gm_has_kek && gm->gm_kek.kek_multicast)
		lg_mcast_join(l, &gm->gm_kek);
	lg_check_done(l);
}

static void
gm_pull_out(struct lg *l, struct lg_gm *gm, const struct gdoi_pull_out *o)
{
	if (gm_send(l, gm, &l->l_ks, o->o_msg, o->o_len) < 0)
		return;
	if (o->o_events & GDOI_PULL_EV_DONE)
		gm_installed(l, gm);
	else if (o->o_events & GDOI_PULL_EV_FAILED)
		fail_notify(l, gm, o->o_notify, 0);
}

static void
gm_start_pull(struct lg *l, struct lg_gm *gm)
{
	static struct gdoi_pull_out o;
	struct gdoi_pull_gm_cfg cfg;

	/* no SENDER_ID_REQUEST: the simulated members send no traffic, and
	 * asking would exhaust a KS's sender-ID space at 2^bits members */
	memset(&cfg, 0, sizeof(cfg));
	cfg.gc_group = l->l_group;
	memset(&o, 0, offsetof(struct gdoi_pull_out, o_msg));
	if (gdoi_pull_initiate(gm->gm_p1, &cfg, lg_now_ms(l), &gm->gm_pull, &o) < 0) {
		gm_fail(l, gm, "internal");
		return;
	}
	gm->gm_state = LG_PULL;
	gm_pull_out(l, gm, &o);
}

static void
gm_p1_out(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_out *o)
{
	static struct gdoi_pull_out po;

	if (gm_send(l, gm, &l->l_ks, o->o_msg, o->o_len) < 0)
		return;
	if (o->o_events & GDOI_P1_EV_ESTABLISHED) {
		if (gm->gm_state == LG_P1)
			gm_start_pull(l, gm);
		return;
	}
	if (o->o_events & GDOI_P1_EV_FAILED) {
		fail_notify(l, gm, o->o_notify, 1);
		return;
	}
	if ((o->o_events & GDOI_P1_EV_NOTIFY) && gm->gm_state == LG_PULL && gm->gm_pull != NULL) {
		/* the KS refused the registration with an encrypted notify */
		memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
		gdoi_pull_abort(gm->gm_pull, o->o_notify, &po);
		gm_pull_out(l, gm, &po);
		return;
	}
	if (o->o_events & (GDOI_P1_EV_EXPIRED | GDOI_P1_EV_DELETED))
		gm_fail(l, gm, "p1_deleted");
}

void
lg_gm_tick(struct lg *l, struct lg_gm *gm, uint64_t now)
{
	static struct gdoi_p1_out o;
	static struct gdoi_pull_out po;

	if (now >= gm->gm_deadline_ms) {
		gm_fail(l, gm, "timeout");
		return;
	}
	if (gm->gm_pull != NULL && gdoi_pull_next_deadline(gm->gm_pull) <= now) {
		memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
		gdoi_pull_tick(gm->gm_pull, now, &po);
		gm_pull_out(l, gm, &po);
		if (gm->gm_state != LG_PULL)
			return;
	}
	if (gm->gm_p1 != NULL && gdoi_p1_next_deadline(gm->gm_p1) <= now) {
		memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
		gdoi_p1_tick(gm->gm_p1, now, &o);
		gm_p1_out(l, gm, &o);
	}
}

void
lg_gm_input(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *peer,
    const uint8_t *msg, size_t len)
{
	static struct gdoi_p1_out o;
	static struct gdoi_pull_out po;
	struct isakmp_hdr h;
	struct gdoi_rd rd;

	gdoi_rd_init(&rd, msg, len);
	if (gdoi_hdr_decode(&rd, &h, NULL) < 0) {
		l->l_rx_bad++;
		return;
	}
	if (h.h_exchange == GDOI_EX_PUSH) {
		lg_gm_push(l, gm, peer, msg, len);
		return;
	}
	/* registration traffic: from the KS, for our Phase 1 SA */
	if (gm->gm_p1 == NULL || peer->pa_alen != l->l_ks.pa_alen ||
	    memcmp(peer->pa_addr, l->l_ks.pa_addr, peer->pa_alen) != 0 ||
	    memcmp(gdoi_p1_icookie(gm->gm_p1), msg, ISAKMP_COOKIE_LEN) != 0) {
		l->l_rx_bad++;
		return;
	}
	switch (h.h_exchange) {
	case ISAKMP_EX_MAIN:
	case ISAKMP_EX_INFO:
		memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
		if (gdoi_p1_input(gm->gm_p1, msg, len, lg_now_ms(l), &o) < 0 && o.o_len == 0 &&
		    o.o_events == 0)
			l->l_rx_bad++;
		gm_p1_out(l, gm, &o);
		break;
	case GDOI_EX_PULL:
		if (gm->gm_pull == NULL || gdoi_pull_msgid(gm->gm_pull) != h.h_msgid) {
			l->l_rx_bad++;
			break;
		}
		memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
		if (gdoi_pull_input(gm->gm_pull, msg, len, lg_now_ms(l), &po) < 0 &&
		    po.o_len == 0 && po.o_events == 0)
			l->l_rx_bad++;
		gm_pull_out(l, gm, &po);
		break;
	default:
		l->l_rx_bad++;
		break;
	}
}

/* The KEK of gm a PUSH names in its cookies, or NULL. */
static const struct gdoi_kek *
kek_for(const struct lg_gm *gm, const uint8_t *spi)
{
	if (gm->gm_has_kek && memcmp(gm->gm_kek.kek_spi, spi, GDOI_KEK_SPI_LEN) == 0)
		return &gm->gm_kek;
	if (gm->gm_has_prev && memcmp(gm->gm_prev.kek_spi, spi, GDOI_KEK_SPI_LEN) == 0)
		return &gm->gm_prev;
	return NULL;
}

/* A new KEK from rx: the current one becomes the previous one. */
static int
install_kek(struct lg_gm *gm, const struct gdoi_kek *nk)
{
	struct gdoi_kek k;

	if (gm->gm_has_kek && memcmp(nk->kek_spi, gm->gm_kek.kek_spi, GDOI_KEK_SPI_LEN) == 0)
		return 0; /* announced again (with ACKs every rekey carries it) */
	if (gdoi_kek_copy(&k, nk) < 0)
		return -1;
	if (gm->gm_has_prev)
		gdoi_kek_clear(&gm->gm_prev);
	gm->gm_has_prev = gm->gm_has_kek;
	if (gm->gm_has_kek)
		gm->gm_prev = gm->gm_kek;
	gm->gm_kek = k;
	gm->gm_has_kek = 1;
	OPENSSL_cleanse(&k, sizeof(k));
	return 0;
}

/* Same KEK: SPI, key, public key and hash all equal. */
static int
kek_same(const struct gdoi_kek *a, const struct gdoi_kek *b)
{
	return a->kek_keybits == b->kek_keybits && a->kek_sig_hash == b->kek_sig_hash &&
	    memcmp(a->kek_spi, b->kek_spi, GDOI_KEK_SPI_LEN) == 0 &&
	    CRYPTO_memcmp(a->kek_key, b->kek_key, sizeof(a->kek_key)) == 0 &&
	    a->kek_publen == b->kek_publen &&
	    (a->kek_publen == 0 || memcmp(a->kek_pub, b->kek_pub, a->kek_publen) == 0);
}

void
lg_memo_clear(struct lg_memo *m)
{
	free(m->mo_msg);
	gdoi_kek_clear(&m->mo_kek);
	gdoi_kek_clear(&m->mo_newkek);
	memset(m, 0, sizeof(*m));
}

static const struct lg_memo *
memo_find(const struct lg *l, const struct gdoi_kek *kek, const uint8_t *msg, size_t len)
{
	size_t i;

	for (i = 0; i < LG_MEMO_SLOTS; i++) {
		const struct lg_memo *m = &l->l_memo[i];

		if (m->mo_used && m->mo_len == len && memcmp(m->mo_msg, msg, len) == 0 &&
		    kek_same(&m->mo_kek, kek))
			return m;
	}
	return NULL;
}

/* Keep what gdoi_push_open made of msg under kek, for the next members. */
static void
memo_store(struct lg *l, const struct gdoi_kek *kek, const uint8_t *msg, size_t len,
    const struct gdoi_push_rx *rx)
{
	struct lg_memo *m = &l->l_memo[l->l_memo_next++ % LG_MEMO_SLOTS];

	lg_memo_clear(m);
	if ((m->mo_msg = malloc(len)) == NULL || gdoi_kek_copy(&m->mo_kek, kek) < 0) {
		lg_memo_clear(m);
		return;
	}
	if (rx->rx_has_sa && rx->rx_pol.gp_has_kek) {
		if (gdoi_kek_copy(&m->mo_newkek, &rx->rx_pol.gp_kek) < 0) {
			lg_memo_clear(m);
			return;
		}
		m->mo_has_kek = 1;
	}
	memcpy(m->mo_msg, msg, len);
	m->mo_len = len;
	m->mo_seq = rx->rx_seq;
	m->mo_ack = rx->rx_ack;
	m->mo_used = 1;
}

/* gm accepted the PUSH with seq under kek: count, ACK, new KEK. */
static void
gm_accept(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *peer,
    const struct gdoi_kek *kek, uint32_t seq, uint16_t acktype, const struct gdoi_kek *newkek)
{
	static uint8_t ack[GDOI_ACK_MSG_MAX];
	struct gdoi_ack_in ai;
	size_t acklen = 0;

	gm->gm_seq = seq;
	gm->gm_has_seq = 1;
	gm->gm_rekeys++;
	l->l_st.st_rekeys++;
	lg_stats_seq(&l->l_st, seq, lg_now_us());
	/* RFC 8263: the ACK is keyed by the KEK that protected the PUSH, so
	 * it is built before a new KEK replaces that one */
	if (acktype != 0) {
		memset(&ai, 0, sizeof(ai));
		ai.ai_kek = kek;
		ai.ai_type = acktype;
		ai.ai_seq = seq;
		ai.ai_id_type = ID_IPV4_ADDR;
		ai.ai_id = gm->gm_addr;
		ai.ai_idlen = 4;
		if (gdoi_ack_build(&ai, ack, sizeof(ack), &acklen) < 0)
			acklen = 0;
	}
	if (newkek != NULL && install_kek(gm, newkek) < 0)
		l->l_rx_bad++;
	if (acklen != 0) {
		l->l_st.st_ack_asked++;
		if (lg_stats_drop_ack(&l->l_st, l->l_drop_pct))
			l->l_st.st_acks_dropped++;
		else if (gdoi_udp_send(gm->gm_fd, peer, ack, acklen) == 0) {
			gm->gm_acks++;
			l->l_st.st_acks++;
		}
	}
	if (gm->gm_has_kek && gm->gm_kek.kek_multicast)
		lg_mcast_join(l, &gm->gm_kek);
	if (l->l_exit_rekeys != 0 && gm->gm_rekeys == l->l_exit_rekeys)
		l->l_st.st_at_k++;
	else if (l->l_exit_rekeys != 0 && gm->gm_rekeys == l->l_exit_rekeys + 1)
		l->l_at_k1++;
	lg_check_done(l);
}

void
lg_gm_push(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *peer,
    const uint8_t *msg, size_t len)
{
	static struct gdoi_push_rx rx;
	const struct lg_memo *mo = NULL;
	const struct gdoi_kek *kek;
	int rc;

	l->l_last_push_ms = lg_now_ms(l);
	if (gm->gm_state != LG_DONE)
		return; /* not registered: nothing to read it with */
	if (len < ISAKMP_HDR_LEN || (kek = kek_for(gm, msg)) == NULL) {
		gm->gm_rejected++;
		l->l_st.st_rejected++;
		return;
	}
	if (!l->l_verify_each && (mo = memo_find(l, kek, msg, len)) != NULL) {
		/* authentic (the same bytes under the same KEK verified):
		 * only our own SEQ check is left */
		if (gm->gm_has_seq && mo->mo_seq <= gm->gm_seq) {
			gm->gm_rejected++;
			l->l_st.st_rejected++;
			return;
		}
		l->l_memo_hits++;
		gm_accept(l, gm, peer, kek, mo->mo_seq, mo->mo_ack,
		    mo->mo_has_kek ? &mo->mo_newkek : NULL);
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rc = gdoi_push_open(kek, msg, len, gm->gm_seq, gm->gm_has_seq, lg_now_ms(l), &rx, NULL);
	if (rc < 0) {
		gdoi_debug("loadgen", "rekey refused: %s", gdoi_push_reason_name(rx.rx_reason));
		gdoi_push_rx_clear(&rx);
		gm->gm_rejected++;
		l->l_st.st_rejected++;
		return;
	}
	if (!l->l_verify_each)
		memo_store(l, kek, msg, len, &rx);
	gm_accept(l, gm, peer, kek, rx.rx_seq, rx.rx_ack,
	    rx.rx_has_sa && rx.rx_pol.gp_has_kek ? &rx.rx_pol.gp_kek : NULL);
	gdoi_push_rx_clear(&rx);
}
