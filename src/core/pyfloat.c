/* pyfloat.c — Python repr() of doubles and exact integer spellings
 * (stigmem-api.md §10.4; see stigmem/cid.h).
 *
 * Python prints the shortest decimal digit string that reads back to the
 * same double (the closest such string when several have that length), then
 * lays it out positionally for decimal exponents -4 <= e < 16 and in
 * scientific notation otherwise.
 *
 * Digits come from two paths:
 *  - fast: values in [1e-7, 1e22) whose shortest form has at most 15
 *    significant digits (confidences, counters, most measured values):
 *    one scaling to 15 digits, zero stripping and an exact round-trip test
 *    (see shortest_fast()).
 *  - slow: snprintf("%.*e") for 1..17 significant digits with strtod to
 *    test the round trip (plus the upper neighbour at a power of two, where
 *    the rounding interval is lopsided). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/cid.h"

/* Exactly representable powers of ten. */
static const double pow10_tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Write the decimal digits of v (no sign) into out; returns the count. */
static int
u64_digits(uint64_t v, char *out)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* Fast path: shortest digits of ax (finite, > 0) when they number at
 * most 15 and ax is in [1e-7, 1e22). On success fills digits (no trailing
 * zeros), *ndig and the decimal exponent *exp10 of the first digit and
 * returns 1; returns 0 when the slow path must decide.
 *
 * With e = floor(log10(ax)), let D = ax * 10^(14 - e) rounded to an
 * integer. If the shortest representation has p <= 15 digits, ax lies
 * within half an ulp (< 1.2e-16 * ax) of it, so the exact scaled value is
 * within 0.12 of that representation padded to 15 digits, and the single
 * rounding of the scaling adds less than 0.07: D is exactly the padded
 * shortest digits. Stripping D's trailing zeros and testing the round trip
 * (a correctly rounded product or quotient of exact doubles, both below
 * 2^53 and 10^22) therefore succeeds exactly when the shortest form has at
 * most 15 digits, and then yields it; two such candidates cannot both read
 * back (their spacing exceeds the rounding interval). */
static int
shortest_fast(double ax, char *digits, int *ndig, int *exp10)
{
	uint64_t bits, d;
	int e2, e, first, p, s;
	double scaled, back, next;

	if (!(ax >= 1e-7 && ax < 1e22))
		return 0;
	memcpy(&bits, &ax, sizeof bits);
	e2 = (int)((bits >> 52) & 0x7ff) - 1023;
	/* floor(e2 * log10(2)); the true e is this or one more */
	if (e2 >= 0)
		e = (e2 * 78913) >> 18;
	else
		e = -((-e2 * 78913 + (1 << 18) - 1) >> 18);
	next = e + 1 >= 0 ? pow10_tab[e + 1] : 1.0 / pow10_tab[-(e + 1)];
	if (ax >= next)
		e++;
	if (e < -7 || e > 21)
		return 0;
	scaled = 14 - e >= 0 ? ax * pow10_tab[14 - e] : ax / pow10_tab[e - 14];
	d = (uint64_t)(scaled + 0.5);
	first = e;
	p = 15;
	if (d >= 1000000000000000ULL) { /* rounded up to 10^15 */
		first = e + 1;
		p = 16;
	}
	if (d % 100000000 == 0) {
		d /= 100000000;
		p -= 8;
	}
	if (d % 10000 == 0) {
		d /= 10000;
		p -= 4;
	}
	if (d % 100 == 0) {
		d /= 100;
		p -= 2;
	}
	if (d % 10 == 0) {
		d /= 10;
		p -= 1;
	}
	if (d == 0 || p > 15)
		return 0;
	s = first - (p - 1);
	back = s >= 0 ? (double)d * pow10_tab[s] : (double)d / pow10_tab[-s];
	if (back != ax)
		return 0;
	*ndig = u64_digits(d, digits);
	if (*ndig != p)
		return 0;
	*exp10 = first;
	return 1;
}

/* Parse "%.*e" output "D.DDDDe+XX" into digits and exponent. */
static void
split_sci(const char *s, char *digits, int *ndig, int *exp10)
{
	int n = 0;
	const char *p = s;

	while (*p != 'e') {
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
		p++;
	}
	*exp10 = atoi(p + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	*ndig = n;
}

/* Add one unit in the last place to a digit string of length n (positive
 * magnitude); returns the new exponent adjustment (1 when 99..9 -> 100..0). */
static int
digits_increment(char *digits, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		if (digits[i] != '9') {
			digits[i]++;
			return 0;
		}
		digits[i] = '0';
	}
	memmove(digits + 1, digits, (size_t)n);
	digits[0] = '1';
	return 1;
}

/* Build "D.DDDe<exp>" from digits and test whether it reads back as ax. */
static int
digits_roundtrip(const char *digits, int n, int exp10, double ax)
{
	char buf[48];
	int len = 0, i;

	buf[len++] = digits[0];
	if (n > 1) {
		buf[len++] = '.';
		for (i = 1; i < n; i++)
			buf[len++] = digits[i];
	}
	len += snprintf(buf + len, sizeof buf - (size_t)len, "e%d", exp10);
	return strtod(buf, NULL) == ax;
}

/* Slow path: always succeeds for finite ax > 0. */
static void
shortest_slow(double ax, char *digits, int *ndig, int *exp10)
{
	char buf[48], alt[24];
	int p, n, e, pow2, carry;
	uint64_t bits;

	memcpy(&bits, &ax, sizeof bits);
	/* Zero fraction field (normal numbers): the gap below is half the
	 * gap above, so the nearest p-digit decimal may miss while the next
	 * one up still rounds back. */
	pow2 = (bits & 0xfffffffffffffULL) == 0 && (bits >> 52) > 1;
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, ax);
		if (strtod(buf, NULL) == ax) {
			split_sci(buf, digits, ndig, exp10);
			return;
		}
		if (pow2) {
			split_sci(buf, alt, &n, &e);
			/* restore the trailing zeros split_sci dropped */
			while (n < p)
				alt[n++] = '0';
			carry = digits_increment(alt, n);
			if (digits_roundtrip(alt, n, e + carry, ax)) {
				while (n > 1 && alt[n - 1] == '0')
					n--;
				memcpy(digits, alt, (size_t)n);
				*ndig = n;
				*exp10 = e + carry;
				return;
			}
		}
	}
	/* 17 digits always round-trip; not reached. */
	snprintf(buf, sizeof buf, "%.16e", ax);
	split_sci(buf, digits, ndig, exp10);
}

size_t
stg_pyfloat_format(double x, char out[STG_PYFLOAT_MAX])
{
	char digits[24];
	int ndig = 0, e = 0, len = 0, i, ae;
	double ax;

	if (isnan(x)) {
		memcpy(out, "NaN", 4);
		return 3;
	}
	if (isinf(x)) {
		if (x < 0) {
			memcpy(out, "-Infinity", 10);
			return 9;
		}
		memcpy(out, "Infinity", 9);
		return 8;
	}
	if (signbit(x))
		out[len++] = '-';
	ax = fabs(x);
	if (ax == 0.0) {
		memcpy(out + len, "0.0", 4);
		return (size_t)len + 3;
	}
	if (!shortest_fast(ax, digits, &ndig, &e))
		shortest_slow(ax, digits, &ndig, &e);

	if (e >= -4 && e < 16) {
		if (e >= 0) {
			/* integer part: digits[0..e], zero-padded */
			for (i = 0; i <= e; i++)
				out[len++] = i < ndig ? digits[i] : '0';
			out[len++] = '.';
			if (ndig > e + 1) {
				for (i = e + 1; i < ndig; i++)
					out[len++] = digits[i];
			} else {
				out[len++] = '0';
			}
		} else {
			out[len++] = '0';
			out[len++] = '.';
			for (i = 0; i < -e - 1; i++)
				out[len++] = '0';
			for (i = 0; i < ndig; i++)
				out[len++] = digits[i];
		}
	} else {
		out[len++] = digits[0];
		if (ndig > 1) {
			out[len++] = '.';
			for (i = 1; i < ndig; i++)
				out[len++] = digits[i];
		}
		out[len++] = 'e';
		out[len++] = e < 0 ? '-' : '+';
		ae = e < 0 ? -e : e;
		if (ae < 10)
			out[len++] = '0';
		len += u64_digits((uint64_t)ae, out + len);
	}
	out[len] = '\0';
	return (size_t)len;
}

bool
stg_pyint_format(double x, char *out, size_t cap)
{
	char tmp[400];
	int n;
	uint64_t u;
	size_t len = 0;

	if (out == NULL || cap == 0 || !isfinite(x) || x != trunc(x))
		return false;
	if (x == 0.0) {
		/* Python: str(int(-0.0)) == "0" */
		tmp[0] = '0';
		len = 1;
	} else if (fabs(x) < 18446744073709551616.0) {
		if (x < 0)
			tmp[len++] = '-';
		u = (uint64_t)fabs(x);
		len += (size_t)u64_digits(u, tmp + len);
	} else {
		/* glibc prints integral doubles exactly with %.0f */
		n = snprintf(tmp, sizeof tmp, "%.0f", x);
		if (n < 0 || (size_t)n >= sizeof tmp)
			return false;
		len = (size_t)n;
	}
	if (len + 1 > cap)
		return false;
	memcpy(out, tmp, len);
	out[len] = '\0';
	return true;
}
