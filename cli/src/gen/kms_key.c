/* The local tenant-secret key of a docker-compose stack: 32 random bytes, standard base64 (the
 * form the server's AETERNA_LOCAL_KMS_KEY takes), generated once and read back from .env. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>

#include "generate.h"

/* A wipe the compiler keeps (explicit_bzero is outside the POSIX level we build at). */
void kms_key_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int kms_key_generate(char key[45])
{
	unsigned char raw[33] = {0}; /* one pad byte so the last group reads 3 bytes */
	size_t got = 0;
	while (got < 32) {
		ssize_t r = getrandom(raw + got, 32 - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	char *o = key;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];
		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	key[43] = '='; /* 32 bytes: 42 full characters, one of 2 bits, one pad */
	key[44] = '\0';
	kms_key_wipe(raw, sizeof(raw));
	return 0;
}

/* Standard base64 of exactly 32 bytes: 43 alphabet characters, the last of which carries only
 * 2 bits (its low 2 bits zero), then '='. */
static bool valid_key(const char *s, size_t n)
{
	if (n != 44 || s[43] != '=')
		return false;
	for (size_t i = 0; i < 43; i++)
		if (!memchr(b64, s[i], 64) || !s[i])
			return false;
	return ((strchr(b64, s[42]) - b64) & 3) == 0;
}

int dotenv_kms_key(const char *text, char key[45])
{
	static const char name[] = "AETERNA_LOCAL_KMS_KEY=";
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, sizeof(name) - 1))
			continue;
		const char *v = line + sizeof(name) - 1;
		size_t n = strcspn(v, "\r\n");
		if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
			v++;
			n -= 2;
		}
		if (!valid_key(v, n))
			return -1;
		memcpy(key, v, 44);
		key[44] = '\0';
		return 0;
	}
	return -1;
}
