/* benchstat.c — helpers shared by the bench/ programs (see benchstat.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchstat.h"

int
tst_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
tst_percentile(const double *sorted, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0.0;
	k = (size_t)ceil(p * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return sorted[k - 1];
}

long
tst_env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long x;

	if (!s || !*s)
		return def;
	x = strtol(s, &end, 10);
	return *end || x <= 0 ? def : x;
}

void
tst_print_load(const char *when)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1, l5, l15;

	if (f && fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
		printf("load average at %s: %.2f %.2f %.2f\n", when, l1, l5, l15);
	if (f)
		fclose(f);
}
