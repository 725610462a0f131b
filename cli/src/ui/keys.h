/* keys.h — decoding terminal input bytes into keys (arrows, Enter, Backspace, Ctrl-C, text). */
#ifndef AETERNA_KEYS_H
#define AETERNA_KEYS_H

#include <stddef.h>

enum key {
	KEY_NONE = 0,   /* incomplete sequence: need more bytes */
	KEY_CHAR,       /* a printable character (UTF-8 bytes in the consumed range) */
	KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END,
	KEY_ENTER, KEY_BACKSPACE, KEY_TAB, KEY_ESCAPE,
	KEY_CTRL_C, KEY_CTRL_D, KEY_CTRL_U,
	KEY_UNKNOWN,    /* a sequence we do not use (consumed and ignored) */
};

/* Decodes the key at the start of buf (len > 0). *consumed receives the bytes it used;
 * returns KEY_NONE (and consumes nothing) when buf holds only the start of a sequence. */
enum key key_decode(const unsigned char *buf, size_t len, size_t *consumed);

#endif
