/*
 * A main() for the fuzz harnesses without libFuzzer: feeds every file
 * argument, and every regular file directly inside a directory argument,
 * to LLVMFuzzerTestOneInput().  Exits 1 when an input cannot be read or
 * when no input was found.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file into a malloc'd block; 0 on success. */
static int
slurp(const char *path, uint8_t **out, size_t *outlen)
{
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

static int
run_file(const char *path, unsigned long *count)
{
	uint8_t *buf;
	size_t len;

	if (slurp(path, &buf, &len) != 0) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int
run_dir(const char *dir, unsigned long *count)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    sizeof(path)) {
			fprintf(stderr, "%s/%s: path too long\n", dir, de->d_name);
			rc = -1;
			continue;
		}
		if (stat(path, &st) != 0) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			rc = -1;
			continue;
		}
		if (S_ISREG(st.st_mode) && run_file(path, count) != 0)
			rc = -1;
	}
	closedir(dp);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	struct stat st;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) != 0)
				rc = 1;
		} else if (run_file(argv[i], &count) != 0) {
			rc = 1;
		}
	}
	printf("replayed %lu inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "no input found\n");
		rc = 1;
	}
	return rc;
}
