/*
 * libgdoi error codes.
 *
 * Every fallible libgdoi function returns 0 (GDOI_OK) on success or one of
 * the negative codes below.  gdoi_strerror() gives a sentence for logs,
 * gdoi_errname() the symbolic name for tests and key/value output.
 */
#ifndef GDOI_ERR_H
#define GDOI_ERR_H

#include <stddef.h>

#define GDOI_ERRORS(X)                                                              \
	X(GDOI_OK, 0, "success")                                                    \
	X(GDOI_E_TRUNC, -1, "input truncated: a field or declared length runs past the data") \
	X(GDOI_E_LENGTH, -2, "length field inconsistent with its contents")        \
	X(GDOI_E_VERSION, -3, "unsupported ISAKMP version")                         \
	X(GDOI_E_PAYLOAD, -4, "payload type unknown or not allowed here")          \
	X(GDOI_E_ATTR, -5, "malformed data attribute")                             \
	X(GDOI_E_DOI, -6, "unsupported domain of interpretation")                  \
	X(GDOI_E_SITUATION, -7, "unsupported situation")                           \
	X(GDOI_E_PROTO, -8, "unsupported protocol identifier")                     \
	X(GDOI_E_SPI_SIZE, -9, "SPI size invalid for this protocol")               \
	X(GDOI_E_ID, -10, "identification data invalid for its type")             \
	X(GDOI_E_TRAILING, -11, "unexpected bytes after the last payload")         \
	X(GDOI_E_COUNT, -12, "element count does not match the contents")         \
	X(GDOI_E_NESTING, -13, "too many payloads or elements")                    \
	X(GDOI_E_NOMEM, -14, "out of memory")                                      \
	X(GDOI_E_TOOBIG, -15, "output would exceed the maximum message size")      \
	X(GDOI_E_INVAL, -16, "invalid argument")                                   \
	X(GDOI_E_ENCRYPTED, -17, "payloads are encrypted")                         \
	X(GDOI_E_ORDER, -18, "payload out of order or missing")

enum gdoi_err {
#define GDOI_ERR_ENUM(sym, val, text) sym = val,
	GDOI_ERRORS(GDOI_ERR_ENUM)
#undef GDOI_ERR_ENUM
};

/** A sentence describing err (never NULL; "unknown error" for foreign codes). */
const char *gdoi_strerror(int err);
/** The symbolic name of err, e.g. "GDOI_E_TRUNC" (never NULL). */
const char *gdoi_errname(int err);

/**
 * Where a decoder failed, for logs and gdoidump.  Decoders take an optional
 * pointer to one of these; on failure they fill it in (first failure wins,
 * so the caller zeroes it before each decode: struct gdoi_diag d = {0}).
 */
struct gdoi_diag {
	int err;             /**< the gdoi_err returned */
	size_t off;          /**< offset in the decoded buffer where it happened */
	unsigned pl_type;    /**< payload type being decoded, 0 for the header */
	char detail[120];    /**< human detail, e.g. "SRC ID Data Len 12 > 8 left" */
};

/* Record a failure in diag (if non-NULL and still empty); returns err. */
int gdoi_diag_set(struct gdoi_diag *d, int err, size_t off, unsigned pl_type,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
