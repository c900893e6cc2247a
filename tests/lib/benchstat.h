/* benchstat.h — small helpers shared by the bench/ programs: sorting and
 * nearest-rank percentiles of samples, positive integer settings from the
 * environment, and the machine load printed next to the figures.
 * Nothing here allocates or keeps state. */
#ifndef TESTS_LIB_BENCHSTAT_H
#define TESTS_LIB_BENCHSTAT_H

#include <stddef.h>

/* qsort comparator for doubles, ascending. */
int tst_cmp_double(const void *a, const void *b);
/* Nearest-rank percentile p (0..1) of n SORTED values; 0 when n is 0. */
double tst_percentile(const double *sorted, size_t n, double p);
/* getenv(name) as a positive integer, else `def`. */
long tst_env_long(const char *name, long def);
/* Print "load average at WHEN: l1 l5 l15" from /proc/loadavg to stdout
 * (nothing when it cannot be read). */
void tst_print_load(const char *when);

#endif
