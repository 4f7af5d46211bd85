/*
 * The key log (see gdoi/keylog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdoi/err.h"
#include "gdoi/keylog.h"

struct gdoi_keylog {
	int kl_fd;
	char *kl_path;
};

int
gdoi_keylog_open(const char *path, struct gdoi_keylog **out)
{
	struct gdoi_keylog *kl;
	struct stat st;
	int fd, saved;

	*out = NULL;
	if (path == NULL)
		path = getenv(GDOI_KEYLOG_ENV);
	if (path == NULL || *path == '\0')
		return GDOI_OK;	/* off */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return GDOI_E_INVAL;
	if (fstat(fd, &st) != 0)
		saved = errno;
	else if (!S_ISREG(st.st_mode))
		saved = EINVAL;	/* a FIFO, a device: not a log */
	else if ((st.st_mode & 077) != 0)
		saved = EPERM;	/* others could read the keys: refuse */
	else
		saved = 0;
	if (saved) {
		close(fd);
		errno = saved;
		return GDOI_E_INVAL;
	}
	kl = calloc(1, sizeof(*kl));
	if (kl == NULL || (kl->kl_path = strdup(path)) == NULL) {
		free(kl);
		close(fd);
		return GDOI_E_NOMEM;
	}
	kl->kl_fd = fd;
	*out = kl;
	return GDOI_OK;
}

int
gdoi_keylog_write(struct gdoi_keylog *kl, const char *line)
{
	size_t len, off = 0;
	ssize_t n;

	if (kl == NULL)
		return GDOI_OK;
	if (line == NULL)
		return GDOI_E_INVAL;
	len = strlen(line);
	/* One write for the line (O_APPEND keeps concurrent lines whole). */
	while (off < len) {
		n = write(kl->kl_fd, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return GDOI_E_INVAL;
		off += (size_t)n;
	}
	if (len == 0 || line[len - 1] != '\n') {
		while ((n = write(kl->kl_fd, "\n", 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			return GDOI_E_INVAL;
	}
	return GDOI_OK;
}

const char *
gdoi_keylog_path(const struct gdoi_keylog *kl)
{
	return kl ? kl->kl_path : NULL;
}

void
gdoi_keylog_close(struct gdoi_keylog *kl)
{
	if (kl == NULL)
		return;
	close(kl->kl_fd);
	free(kl->kl_path);
	free(kl);
}
