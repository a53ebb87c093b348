/* Character classification the parsers share (the hypervisor has no libc). */
#ifndef HV_CTYPE_H
#define HV_CTYPE_H

/* 0..15 for a hex digit (either case), 16 for anything else. */
static inline unsigned hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

#endif
