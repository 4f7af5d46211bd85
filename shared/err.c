/*
 * Error names and the decoder diagnostics record (see gdoi/err.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "gdoi/err.h"

struct err_ent {
	int code;
	const char *sym;
	const char *text;
};

static const struct err_ent err_tab[] = {
#define GDOI_ERR_ENT(sym, val, text) { val, #sym, text },
	GDOI_ERRORS(GDOI_ERR_ENT)
#undef GDOI_ERR_ENT
};

static const struct err_ent *
err_find(int err)
{
	size_t i;

	for (i = 0; i < sizeof(err_tab) / sizeof(err_tab[0]); i++)
		if (err_tab[i].code == err)
			return &err_tab[i];
	return NULL;
}

const char *
gdoi_strerror(int err)
{
	const struct err_ent *e = err_find(err);

	return e ? e->text : "unknown error";
}

const char *
gdoi_errname(int err)
{
	const struct err_ent *e = err_find(err);

	return e ? e->sym : "GDOI_E_UNKNOWN";
}

int
gdoi_diag_set(struct gdoi_diag *d, int err, size_t off, unsigned pl_type, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL || d->err != 0)
		return err;
	d->err = err;
	d->off = off;
	d->pl_type = pl_type;
	d->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
		va_end(ap);
	}
	return err;
}
