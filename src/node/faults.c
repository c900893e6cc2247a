/* faults.c — fault injection for client fault tests (--fault-delay-ms,
 * --fault-status, --fault-garbage, --fault-truncate). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"

/* xorshift64*: uniform in [0,1). Called under node->lock. */
static double
next_unit(struct lite_node *n)
{
	uint64_t x = n->rng ? n->rng : 0x9E3779B97F4A7C15ULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	n->rng = x;
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/* True when rule f fires for this request path. */
bool
lite_fault_hit(struct lite_node *n, const struct lite_fault *f, const char *path)
{
	if (!(f->rate > 0.0))
		return false;
	if (f->route && f->route[0] && fnmatch(f->route, path, 0) != 0)
		return false;
	if (f->rate >= 1.0)
		return true;
	return next_unit(n) < f->rate;
}

bool
lite_parse_fault(char *spec, bool has_value, struct lite_fault *out)
{
	memset(out, 0, sizeof *out);
	out->rate = 1.0;
	char *save = NULL;
	char *a = strtok_r(spec, ",", &save);
	if (!a)
		return false;
	char *end;
	if (has_value) {
		long v = strtol(a, &end, 10);
		if (*end || v < 0)
			return false;
		out->value = v;
		a = strtok_r(NULL, ",", &save);
	}
	if (a) {
		double r = strtod(a, &end);
		if (*end || !(r >= 0.0 && r <= 1.0))
			return false;
		out->rate = r;
		a = strtok_r(NULL, "", &save);
		if (a)
			out->route = a;
	}
	return true;
}
