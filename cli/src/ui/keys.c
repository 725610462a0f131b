#include "keys.h"

enum key key_decode(const unsigned char *buf, size_t len, size_t *consumed)
{
	*consumed = 0;
	if (len == 0)
		return KEY_NONE;
	unsigned char c = buf[0];
	*consumed = 1;
	switch (c) {
	case '\r':
	case '\n': return KEY_ENTER;
	case 0x7f:
	case 0x08: return KEY_BACKSPACE;
	case '\t': return KEY_TAB;
	case 0x03: return KEY_CTRL_C;
	case 0x04: return KEY_CTRL_D;
	case 0x15: return KEY_CTRL_U;
	case 0x1b:
		break;
	default:
		if (c < 0x20)
			return KEY_UNKNOWN;
		if (c < 0x80)
			return KEY_CHAR;
		{
			size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			if (len < need) {
				*consumed = 0;
				return KEY_NONE;
			}
			*consumed = need;
			return KEY_CHAR;
		}
	}
	/* escape sequences: ESC [ X, ESC O X, ESC [ n ~ */
	if (len == 1) {
		*consumed = 0;
		return KEY_NONE; /* the caller decides, after a short wait, that it is a lone Escape */
	}
	if (buf[1] != '[' && buf[1] != 'O')
		return KEY_ESCAPE;
	if (len == 2) {
		*consumed = 0;
		return KEY_NONE;
	}
	if (buf[2] >= '0' && buf[2] <= '9') {
		size_t i = 2;
		while (i < len && ((buf[i] >= '0' && buf[i] <= '9') || buf[i] == ';'))
			i++;
		if (i == len) {
			*consumed = 0;
			return KEY_NONE;
		}
		*consumed = i + 1;
		if (buf[i] != '~')
			return KEY_UNKNOWN;
		if (buf[2] == '1' || buf[2] == '7')
			return i == 3 ? KEY_HOME : KEY_UNKNOWN;
		if (buf[2] == '4' || buf[2] == '8')
			return i == 3 ? KEY_END : KEY_UNKNOWN;
		return KEY_UNKNOWN;
	}
	*consumed = 3;
	switch (buf[2]) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	default: return KEY_UNKNOWN;
	}
}
