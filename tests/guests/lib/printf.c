/* SPDX-License-Identifier: MIT */
/*
 * A small printf for the test guests: %d %i %u %x %X %o %c %s %p %%,
 * the flags '-' and '0', a field width (also '*'), a precision for
 * strings, and the length modifiers hh h l ll z.  Output goes to the
 * SCLP console one formatted call at a time.
 */
#include "guest.h"

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

static void number(struct out *o, unsigned long long v, bool neg,
		   unsigned base, bool upper, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (neg ? 1 : 0);
	if (left) {
		if (neg)
			put(o, '-');
		while (n)
			put(o, tmp[--n]);
		pad(o, width - len, ' ');
		return;
	}
	if (zero) {
		if (neg)
			put(o, '-');
		pad(o, width - len, '0');
	} else {
		pad(o, width - len, ' ');
		if (neg)
			put(o, '-');
	}
	while (n)
		put(o, tmp[--n]);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lmod = 0;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		/* lmod: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
		for (;; fmt++) {
			if (*fmt == 'l')
				lmod++;
			else if (*fmt == 'h')
				lmod--;
			else if (*fmt == 'z')
				lmod = 3;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lmod >= 1)
				s = lmod == 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else
				s = va_arg(ap, int);
			if (lmod == -1)
				s = (short)s;
			else if (lmod == -2)
				s = (signed char)s;
			u = s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
			number(&o, u, s < 0, 10, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lmod >= 1)
				u = lmod == 2 ? va_arg(ap, unsigned long long)
					      : va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (lmod == -1)
				u = (unsigned short)u;
			else if (lmod == -2)
				u = (unsigned char)u;
			number(&o, u, false,
			       *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			       *fmt == 'X', width, left, zero);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			number(&o, (unsigned long)va_arg(ap, void *), false, 16,
			       false, width > 2 ? width - 2 : 0, left, zero);
			break;
		case 'c':
			if (!left)
				pad(&o, width - 1, ' ');
			put(&o, (char)va_arg(ap, int));
			if (left)
				pad(&o, width - 1, ' ');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int len;

			if (!str)
				str = "(null)";
			for (len = 0; str[len] && (prec < 0 || len < prec); len++)
				;
			if (!left)
				pad(&o, width - len, ' ');
			for (int i = 0; i < len; i++)
				put(&o, str[i]);
			if (left)
				pad(&o, width - len, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:	/* unknown conversion: print it as is */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sclp_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int puts(const char *s)
{
	printf("%s\n", s);
	return 0;
}

int putchar(int c)
{
	char ch = (char)c;

	sclp_write(&ch, 1);
	return c;
}
