/* test_pyfloat.c — Python float repr (stigmem-api.md §10.4) and exact
 * integer spelling: reference table from CPython repr(), a property test
 * over random bit patterns and the layout rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stigmem/cid.h"

static double
from_bits(uint64_t b)
{
	double d;

	memcpy(&d, &b, sizeof d);
	return d;
}

static uint64_t
to_bits(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof b);
	return b;
}

/* Bit pattern -> CPython 3 repr() (generated with CPython, not by this code). */
static const struct {
	uint64_t bits;
	const char *repr;
} py_table[] = {
	{ 0x3ff0000000000000ULL, "1.0" },
	{ 0x3feccccccccccccdULL, "0.9" },
	{ 0x4045000000000000ULL, "42.0" },
	{ 0x3f1a36e2eb1c432dULL, "0.0001" },
	{ 0x3fd3333333333334ULL, "0.30000000000000004" },
	{ 0x4341c37937e07fffULL, "9999999999999998.0" },
	{ 0x3ee4f8b588e368f1ULL, "1e-05" },
	{ 0x3e90c6f7a0b5ed8dULL, "2.5e-07" },
	{ 0x4341c37937e08000ULL, "1e+16" },
	{ 0x437b69b4ba630f35ULL, "1.2345678901234568e+17" },
	{ 0x8000000000000000ULL, "-0.0" },
	{ 0x0000000000000000ULL, "0.0" },
	{ 0x0000000000000001ULL, "5e-324" },
	{ 0x4480f0cf064dd592ULL, "1e+22" },
	{ 0x4340000000000000ULL, "9007199254740992.0" },
	{ 0x3f1a36e2eb1c432dULL, "0.0001" },
	{ 0x3f1cd5f99c38b04bULL, "0.00011" },
	{ 0x3f1a36e2eb1c432cULL, "9.999999999999999e-05" },
	{ 0x430c6bf526340000ULL, "1000000000000000.0" },
	{ 0x42dc12218377de66ULL, "123456789012345.6" },
	{ 0x0000000000000002ULL, "1e-323" },
	{ 0x0010000000000000ULL, "2.2250738585072014e-308" },
	{ 0x000fffffffffffffULL, "2.225073858507201e-308" },
	{ 0x7fefffffffffffffULL, "1.7976931348623157e+308" },
	{ 0x3fb999999999999aULL, "0.1" },
	{ 0x3fd5555555555555ULL, "0.3333333333333333" },
	{ 0x3fe5555555555555ULL, "0.6666666666666666" },
	{ 0x4059000000000000ULL, "100.0" },
	{ 0x54b249ad2594c37dULL, "1e+100" },
	{ 0x2b2bff2ee48e0530ULL, "1e-100" },
	{ 0xbff8000000000000ULL, "-1.5" },
	{ 0xbe7ad7f29abcaf48ULL, "-1e-07" },
	{ 0x43e56a95319d63e1ULL, "1.2345678901234567e+19" },
	{ 0x3fe0000000000000ULL, "0.5" },
	{ 0x3fd0000000000000ULL, "0.25" },
	{ 0x3fe8000000000000ULL, "0.75" },
	{ 0x3feb333333333333ULL, "0.85" },
	{ 0x3fef5c28f5c28f5cULL, "0.98" },
	{ 0x444b1ae4d6e2ef50ULL, "1e+21" },
	{ 0x44b52d02c7e14af6ULL, "1e+23" },
	{ 0x433fffffffffffffULL, "9007199254740991.0" },
	{ 0x4330000000000001ULL, "4503599627370497.0" },
	{ 0x0000000000000003ULL, "1.5e-323" },
	{ 0x43b0000000000000ULL, "1.152921504606847e+18" },
	{ 0x3eb0000000000000ULL, "9.5367431640625e-07" },
	{ 0x3f0a36e2eb1c432dULL, "5e-05" },
	{ 0x40f869ffffffffffULL, "99999.99999999999" },
	{ 0x3f202e7ef70994ddULL, "0.000123456" },
	{ 0x4132d68700000000ULL, "1234567.0" },
	{ 0x4341c37937e07fffULL, "9999999999999998.0" },
	{ 0x4341c37937e08001ULL, "1.0000000000000002e+16" },
	{ 0x3f50624dd2f1a9fcULL, "0.001" },
	{ 0x7e41eb2d66005835ULL, "1.5e+300" },
	{ 0x8000000000000001ULL, "-5e-324" },
	{ 0xf2a74de452e6b438ULL, "-1.989032661366619e+244" },
	{ 0x6513270e269e0d37ULL, "7.761117632285041e+178" },
	{ 0x0c5c7fd0a6a3a450ULL, "3.980498358697587e-249" },
	{ 0xd23f0824128b2f33ULL, "-1.5432835417340557e+88" },
	{ 0x1818e811892f902bULL, "1.3647584518757569e-192" },
	{ 0x9531985d5d9dc9f8ULL, "-1.3701135617873088e-206" },
	{ 0xe8e25d940ed90475ULL, "-1.7160537630466207e+197" },
	{ 0x36f675cc81e74ef5ULL, "6.294675241195386e-44" },
	{ 0x1600a35a099950d8ULL, "1.0613447212142254e-202" },
	{ 0x6b0d549b6f03675aULL, "4.708325160387546e+207" },
	{ 0x3d9c172411e20b8fULL, "6.387016158513563e-12" },
	{ 0x8d116ece1738f7d9ULL, "-9.973130378568733e-246" },
	{ 0x0f21ddb66cad4a26ULL, "8.779753225680271e-236" },
	{ 0x90c192cfd3ac94afULL, "-5.795503248498993e-228" },
	{ 0xf28c105d1fb17c23ULL, "-5.988180159386011e+243" },
	{ 0xa170b33839263059ULL, "-1.306052388527796e-147" },
	{ 0x953f48f1a09f76b5ULL, "-2.436117699484841e-206" },
	{ 0x0fd630f1f29d0da9ULL, "2.233386999150174e-232" },
	{ 0x95e60af593bd04cfULL, "-3.51527970626667e-203" },
	{ 0x0cb1e29c658cda14ULL, "1.5987381841032883e-247" },
	{ 0x3898d190f9ebdaccULL, "4.6678633181812096e-36" },
	{ 0x8e81973e0becd7b0ULL, "-8.441872792105456e-239" },
	{ 0x2217beaddbc496cbULL, "1.9015657400796622e-144" },
	{ 0x6b4cb2424a23d596ULL, "7.370437700706684e+208" },
	{ 0x8a6a63ec24ede6a4ULL, "-1.7163996725272777e-258" },
	{ 0x922766581e27a1c0ULL, "-3.2367190832119987e-221" },
	{ 0x8f6d05584ef8aa38ULL, "-2.2818334634712625e-234" },
	{ 0xae97ba94d0eda82fULL, "-3.0536383926309363e-84" },
	{ 0x1a61dbe22e44158bULL, "1.3449551894627777e-181" },
	{ 0x923a736994e3bf91ULL, "-7.317495976062606e-221" },
	{ 0x301850c5a38fd547ULL, "5.249822308814304e-77" },
	{ 0x18f135d25f557203ULL, "1.5450754142984396e-188" },
	{ 0xb64ce4228c38fb29ULL, "-3.953625698224792e-47" },
	{ 0x907a70c31012f037ULL, "-2.72491267476498e-229" },
	{ 0x9e7769b10f4205b4ULL, "-6.505141861548772e-162" },
	{ 0x7f15052434b9b5dfULL, "1.441484839555994e+304" },
	{ 0x881ed162ae2eb154ULL, "-1.4583679262758548e-269" },
	{ 0xc6f877186d76b07eULL, "-7.939416668807721e+33" },
	{ 0x7731af10506bf2efULL, "1.4255183989699612e+266" },
	{ 0xec66a78795e761d1ULL, "-1.525315701232403e+214" },
	{ 0x0000000000000001ULL, "5e-324" },
	{ 0x0000000000000002ULL, "1e-323" },
	{ 0x0010000000000000ULL, "2.2250738585072014e-308" },
	{ 0x0170000000000000ULL, "9.332636185032189e-302" },
	{ 0x20b0000000000000ULL, "3.054936363499605e-151" },
	{ 0x39b0000000000000ULL, "7.888609052210118e-31" },
	{ 0x3c30000000000000ULL, "8.673617379884035e-19" },
	{ 0x3d30000000000000ULL, "5.684341886080802e-14" },
	{ 0x3e10000000000000ULL, "9.313225746154785e-10" },
	{ 0x41d0000000000000ULL, "1073741824.0" },
	{ 0x43b0000000000000ULL, "1.152921504606847e+18" },
	{ 0x4630000000000000ULL, "1.2676506002282294e+30" },
	{ 0x5f30000000000000ULL, "3.273390607896142e+150" },
	{ 0x7e70000000000000ULL, "1.0715086071862673e+301" },
	{ 0x7fe0000000000000ULL, "8.98846567431158e+307" },
};

static void
test_python_reference_table(void **state)
{
	char out[STG_PYFLOAT_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof py_table / sizeof py_table[0]; i++) {
		n = stg_pyfloat_format(from_bits(py_table[i].bits), out);
		if (strcmp(out, py_table[i].repr) != 0)
			fail_msg("bits %016llx: got %s, want %s",
				 (unsigned long long)py_table[i].bits, out, py_table[i].repr);
		assert_int_equal(n, strlen(py_table[i].repr));
	}
}

static void
test_spec_examples(void **state)
{
	/* §10.4 list, written as decimal literals */
	static const struct {
		double x;
		const char *want;
	} ex[] = {
		{ 1.0, "1.0" }, { 0.9, "0.9" }, { 42.0, "42.0" }, { 0.0001, "0.0001" },
		{ 9999999999999998.0, "9999999999999998.0" }, { 1e-5, "1e-05" },
		{ 2.5e-7, "2.5e-07" }, { 1e16, "1e+16" },
		{ 123456789012345678.0, "1.2345678901234568e+17" },
		/* the confidence / number texts of worked examples A-H (§10.5) */
		{ 42.5, "42.5" }, { 0.75, "0.75" }, { 0.5, "0.5" }, { 0.0, "0.0" },
	};
	char out[STG_PYFLOAT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		stg_pyfloat_format(ex[i].x, out);
		assert_string_equal(out, ex[i].want);
	}
	stg_pyfloat_format(0.1 + 0.2, out);
	assert_string_equal(out, "0.30000000000000004");
	stg_pyfloat_format(-0.0, out);
	assert_string_equal(out, "-0.0");
	stg_pyfloat_format(NAN, out);
	assert_string_equal(out, "NaN");
	stg_pyfloat_format(INFINITY, out);
	assert_string_equal(out, "Infinity");
	stg_pyfloat_format(-INFINITY, out);
	assert_string_equal(out, "-Infinity");
}

/* Significant digits and decimal exponent of a repr string. */
static void
parse_repr(const char *s, char *digits, int *ndig, int *exp10, int *has_e)
{
	const char *p = s, *e = strchr(s, 'e');
	int n = 0, point = -1, first = -1, pos = 0;

	*has_e = e != NULL;
	if (*p == '-')
		p++;
	for (; *p && *p != 'e'; p++) {
		if (*p == '.') {
			point = pos;
			continue;
		}
		if (first < 0 && *p != '0')
			first = pos;
		if (first >= 0)
			digits[n++] = *p;
		pos++;
	}
	if (point < 0)
		point = pos;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*ndig = n;
	*exp10 = (first < 0 ? 0 : point - first - 1) + (e ? atoi(e + 1) : 0);
}

/* Does some decimal with `nd` significant digits read back as x? Tries the
 * correctly rounded one and its neighbours in the last digit. */
static int
shorter_roundtrips(double x, int nd)
{
	char buf[64], digits[32], alt[64];
	int n, e, he, d, i;

	if (nd < 1)
		return 0;
	snprintf(buf, sizeof buf, "%.*e", nd - 1, fabs(x));
	if (strtod(buf, NULL) == fabs(x))
		return 1;
	parse_repr(buf, digits, &n, &e, &he);
	/* neighbours: +-1 in the last of nd digits */
	for (d = -1; d <= 1; d += 2) {
		char m[32];
		long long v = 0;

		for (i = 0; i < nd; i++)
			v = v * 10 + (i < n ? digits[i] - '0' : 0);
		v += d;
		if (v <= 0)
			continue;
		snprintf(m, sizeof m, "%lld", v);
		snprintf(alt, sizeof alt, "%se%d", m, e - nd + 1);
		if (strtod(alt, NULL) == fabs(x))
			return 1;
	}
	return 0;
}

/* Layout rules of §10.4 on one output. */
static void
check_layout(double x, const char *s)
{
	char digits[32];
	int n, e, has_e;
	const char *dot, *ep;

	parse_repr(s, digits, &n, &e, &has_e);
	if (signbit(x))
		assert_int_equal(s[0], '-');
	else
		assert_true(s[0] >= '0' && s[0] <= '9');
	if (x == 0.0)
		return;
	if (e >= -4 && e < 16) {
		if (has_e)
			fail_msg("%s: exponent %d must be positional", s, e);
		dot = strchr(s, '.');
		assert_non_null(dot);
		assert_true(dot[1] >= '0' && dot[1] <= '9');
		/* no superfluous trailing zeros beyond one fractional digit */
		if (strlen(dot + 1) > 1)
			assert_true(s[strlen(s) - 1] != '0');
	} else {
		if (!has_e)
			fail_msg("%s: exponent %d must be scientific", s, e);
		ep = strchr(s, 'e');
		assert_true(ep[1] == '+' || ep[1] == '-');
		assert_true(strlen(ep + 2) >= 2);
		if (strlen(ep + 2) == 2)
			assert_true(abs(e) < 100);
		else
			assert_true(ep[2] != '0');
		dot = strchr(s, '.');
		if (n == 1)
			assert_null(dot);
		else
			assert_true(dot != NULL && dot < ep && ep[-1] != '0');
	}
}

static void
check_one(double x)
{
	char out[STG_PYFLOAT_MAX], digits[32];
	int n, e, has_e;
	size_t len;
	double back;

	if (!isfinite(x))
		return; /* nextafter() past DBL_MAX */
	len = stg_pyfloat_format(x, out);
	assert_int_equal(len, strlen(out));
	assert_true(len < STG_PYFLOAT_MAX);
	back = strtod(out, NULL);
	if (to_bits(back) != to_bits(x))
		fail_msg("%016llx -> %s does not read back", (unsigned long long)to_bits(x), out);
	parse_repr(out, digits, &n, &e, &has_e);
	if (x != 0.0 && shorter_roundtrips(x, n - 1))
		fail_msg("%016llx -> %s: %d digits is not the shortest",
			 (unsigned long long)to_bits(x), out, n);
	check_layout(x, out);
}

static uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void
test_random_bit_patterns(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	double x;
	int i, done = 0;

	(void)state;
	for (i = 0; done < 200000; i++) {
		x = from_bits(xorshift(&seed));
		if (!isfinite(x))
			continue;
		check_one(x);
		done++;
	}
}

static void
test_random_short_decimals(void **state)
{
	/* Values like confidences and counters: few digits, all magnitudes. */
	uint64_t seed = 12345;
	char buf[40];
	int i;

	(void)state;
	for (i = 0; i < 25000; i++) {
		uint64_t r = xorshift(&seed);
		int digits = 1 + (int)(r % 15);
		long long m = (long long)((r >> 8) % 1000000000000000ULL);
		int ex = (int)((r >> 56) % 60) - 30;
		double x;

		snprintf(buf, sizeof buf, "%.*lld", 1, m % (long long)pow(10, digits));
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "e%d", ex);
		x = strtod(buf, NULL);
		check_one(x);
		check_one(-x);
	}
}

static void
test_edges(void **state)
{
	static const double edges[] = {
		5e-324, 1e-323, 2.2250738585072009e-308, 2.2250738585072014e-308,
		1.7976931348623157e308, 1e16, 9999999999999998.0, 1e16 + 2,
		1e-4, 1e-5, 0.0001, 0.00009999999999999999, 1e22, 1e23,
		9007199254740993.0, 9007199254740992.0, 4503599627370496.5,
		0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 100.0, 1e15, 123456789.125,
	};
	size_t i;
	uint64_t b;

	(void)state;
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		check_one(edges[i]);
		check_one(-edges[i]);
		check_one(nextafter(edges[i], 0.0));
		check_one(nextafter(edges[i], INFINITY));
	}
	check_one(0.0);
	check_one(-0.0);
	/* every power of two (lopsided rounding interval) */
	for (b = 1; b < 2047; b++)
		check_one(from_bits(b << 52));
	/* subnormals */
	for (b = 1; b < 3000; b++)
		check_one(from_bits(b));
	for (b = 0; b < 3000; b++)
		check_one(from_bits(0x000fffffffffffffULL - b));
	/* around 1e16 and 1e-4 / 1e-5 */
	{
		double x = 1e16;
		int k;

		for (k = 0; k < 50; k++)
			x = nextafter(x, 0.0), check_one(x);
		x = 1e-4;
		for (k = 0; k < 50; k++)
			x = nextafter(x, 0.0), check_one(x);
		x = 1e-5;
		for (k = 0; k < 50; k++)
			x = nextafter(x, 1.0), check_one(x);
	}
}

static void
test_pyint_format(void **state)
{
	char out[400];

	(void)state;
	assert_true(stg_pyint_format(42.0, out, sizeof out));
	assert_string_equal(out, "42");
	assert_true(stg_pyint_format(-1.0, out, sizeof out));
	assert_string_equal(out, "-1");
	assert_true(stg_pyint_format(0.0, out, sizeof out));
	assert_string_equal(out, "0");
	assert_true(stg_pyint_format(-0.0, out, sizeof out));
	assert_string_equal(out, "0");
	assert_true(stg_pyint_format(1e16, out, sizeof out));
	assert_string_equal(out, "10000000000000000");
	assert_true(stg_pyint_format(9007199254740992.0, out, sizeof out));
	assert_string_equal(out, "9007199254740992");
	/* 2**53 + 1 as a double is 2**53 */
	assert_true(stg_pyint_format(9007199254740993.0, out, sizeof out));
	assert_string_equal(out, "9007199254740992");
	assert_true(stg_pyint_format(1e22, out, sizeof out));
	assert_string_equal(out, "10000000000000000000000");
	/* CPython: str(int(1e23)) */
	assert_true(stg_pyint_format(1e23, out, sizeof out));
	assert_string_equal(out, "99999999999999991611392");
	assert_true(stg_pyint_format(18446744073709551616.0, out, sizeof out));
	assert_string_equal(out, "18446744073709551616");
	assert_true(stg_pyint_format(-1.8446744073709552e19, out, sizeof out));
	assert_string_equal(out, "-18446744073709551616");
	assert_true(stg_pyint_format(1.7976931348623157e308, out, sizeof out));
	assert_int_equal(strlen(out), 309);
	assert_memory_equal(out, "17976931348623157081452742373170435679", 38);
	assert_false(stg_pyint_format(1.5, out, sizeof out));
	assert_false(stg_pyint_format(NAN, out, sizeof out));
	assert_false(stg_pyint_format(INFINITY, out, sizeof out));
	assert_false(stg_pyint_format(12345.0, out, 5)); /* needs 6 with NUL */
	assert_true(stg_pyint_format(12345.0, out, 6));
	assert_string_equal(out, "12345");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_reference_table),
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_random_bit_patterns),
		cmocka_unit_test(test_random_short_decimals),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_pyint_format),
	};

	return cmocka_run_group_tests_name("pyfloat", tests, NULL, NULL);
}
