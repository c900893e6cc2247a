/* graph.h — breadth-first walks over the `ref` edge index of stigmem-lite
 * (stigmem-api.md §8.2), shared by GET /v1/graph/neighbors and recall's
 * graph stage (§5.3). lite_route_neighbors is declared in lite_internal.h. */
#ifndef STIGMEM_LITE_GRAPH_H
#define STIGMEM_LITE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "node/lite_internal.h"

/* One entity reached by the walk. */
struct lite_graph_hit {
	char *entity;                /* owned */
	char *relation;              /* owned: relation of the edge that first reached it */
	int hops;                    /* shortest hop count from the nearest seed */
	double confidence;           /* confidence of that edge */
	bool has_trust;
	double trust;                /* source_trust of that edge when has_trust */
	long parent;                 /* index into hits of the entity it was reached from, -1 = a seed */
	size_t seed;                 /* index of the seed it descends from */
};

/* Result of lite_graph_walk(); lite_graph_done() frees it. */
struct lite_graph {
	struct lite_graph_hit *hits; /* owned; BFS order */
	size_t n;
};

/* Walk options. Strings borrowed. */
struct lite_graph_opts {
	const char *scope;           /* exact scope of the edges */
	const char *tenant;          /* tenant of the edges */
	int depth;                   /* maximum hops (>= 1) */
	double min_confidence;       /* edge confidence >= this */
	bool use_min_trust;
	double min_trust;            /* edges with a trust below this are skipped (NULL trust passes) */
	const char *relation_filter; /* exact relation or "prefix*"; NULL = any */
	bool include_federated;      /* false hides edges of federated facts */
	size_t max_hits;             /* stop after this many reached entities; 0 = no limit */
};

/* BFS in both edge directions from seeds[0..n_seeds) (never reported as
 * hits). Returns 0 with *out filled, -1 on SQL failure/OOM. */
int lite_graph_walk(struct lite_node *n, const char *const *seeds, size_t n_seeds,
		    const struct lite_graph_opts *o, struct lite_graph *out);
void lite_graph_done(struct lite_graph *g);

/* True when `relation` passes `filter` (NULL/"" = all; "p*" = prefix p; else exact). */
bool lite_graph_relation_match(const char *filter, const char *relation);

/* Neighbour cursor (§8.2): unpadded base64url of {"offset": N, "ts": T}.
 * Encode into a new string (caller frees). Decode returns 0 ok, -1 when
 * undecodable (invalid_cursor). */
char *lite_graph_cursor_encode(long long offset, double ts);
int lite_graph_cursor_decode(const char *cursor, long long *offset, double *ts);

#endif
