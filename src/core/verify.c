/* verify.c — fact CID checks, chain_proof checks and whole-chain
 * verification (stigmem-api.md §10.6, §11; see stigmem/verify.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stigmem/buf.h"
#include "stigmem/cid.h"
#include "stigmem/verify.h"

/* ---- fact CIDs --------------------------------------------------------- */

static const char *const verdict_names[] = {
	"verified",
	"verified-integer-spelling",
	"mismatch",
	"no-cid",
	"unverifiable-redacted",
};

const char *
stg_cid_verdict_name(enum stg_cid_verdict v)
{
	if ((unsigned)v >= sizeof verdict_names / sizeof verdict_names[0])
		return "unknown";
	return verdict_names[v];
}

const char *
stg_fact_value_v(const struct stg_fact *fact, char scratch[STG_PYFLOAT_MAX], size_t *len)
{
	const struct stg_value *v = &fact->value;
	const char *s;

	/* The SDK switches on the type *name*; an unknown name is "other". */
	if (v->type == STG_VT_NULL) {
		*len = 4;
		return "null";
	}
	if (v->type == STG_VT_BOOLEAN) {
		s = (!v->is_null && v->boolean) ? "true" : "false";
		*len = strlen(s);
		return s;
	}
	if (v->is_null) {
		*len = 0;
		return "";
	}
	if (v->type == STG_VT_NUMBER) {
		*len = stg_pyfloat_format(v->num, scratch);
		return scratch;
	}
	if (v->str == NULL) {
		*len = 0;
		return "";
	}
	*len = v->str_len;
	return v->str;
}

void
stg_fact_cid_input(const struct stg_fact *fact, struct stg_cid_input *in,
		   char scratch[STG_PYFLOAT_MAX])
{
	in->confidence = fact->confidence;
	in->entity = fact->entity;
	in->relation = fact->relation;
	in->scope = fact->scope;
	in->source = fact->source;
	in->value_type = fact->value.type_name != NULL ? fact->value.type_name
						       : stg_value_type_name(fact->value.type);
	in->value_v = stg_fact_value_v(fact, scratch, &in->value_v_len);
}

bool
stg_verify_fact_cid(const struct stg_fact *fact, struct stg_fact_cid_check *out)
{
	struct stg_cid_input in;
	char scratch[STG_PYFLOAT_MAX], ispell[400];
	const struct stg_value *v = &fact->value;

	out->verdict = STG_CID_MISMATCH;
	out->possibly_sanitized = false;
	out->computed_cid[0] = '\0';
	out->has_integer_cid = false;
	out->integer_cid[0] = '\0';

	stg_fact_cid_input(fact, &in, scratch);
	if (!stg_cid_compute(&in, out->computed_cid))
		return false;

	if (fact->cid == NULL) {
		out->verdict = STG_CID_NO_CID;
		return true;
	}
	if (fact->sanitizer_redacted) {
		out->verdict = STG_CID_UNVERIFIABLE_REDACTED;
		return true;
	}
	if (strcmp(fact->cid, out->computed_cid) == 0) {
		out->verdict = STG_CID_VERIFIED;
		return true;
	}
	/* §10.6: a JSON integer was hashed by the node as its integer text */
	if (v->type == STG_VT_NUMBER && !v->is_null &&
	    stg_pyint_format(v->num, ispell, sizeof ispell)) {
		in.value_v = ispell;
		in.value_v_len = strlen(ispell);
		if (!stg_cid_compute(&in, out->integer_cid))
			return false;
		out->has_integer_cid = true;
	}
	if (out->has_integer_cid && strcmp(fact->cid, out->integer_cid) == 0) {
		out->verdict = STG_CID_VERIFIED_INTEGER_SPELLING;
	} else {
		out->verdict = STG_CID_MISMATCH;
		out->possibly_sanitized = v->type == STG_VT_STRING || v->type == STG_VT_TEXT;
	}
	return true;
}

/* ---- chain_proof -------------------------------------------------------- */

const char *
stg_proof_mode_name(enum stg_proof_mode m)
{
	return m == STG_PROOF_LAG_AWARE ? "lag-aware" : "sdk";
}

static void
add_check(struct stg_proof_report *r, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
add_check(struct stg_proof_report *r, const char *name, bool ok, const char *fmt, ...)
{
	struct stg_proof_check *c;
	va_list ap;

	if (r->n_checks >= STG_PROOF_CHECKS_MAX)
		return;
	c = &r->checks[r->n_checks];
	c->name = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	if (!ok) {
		r->valid = false;
		if (r->first_failure < 0)
			r->first_failure = (int)r->n_checks;
	}
	r->n_checks++;
}

/* Python str() of an optional string: None prints as "None". */
static const char *
pystr(const char *s)
{
	return s != NULL ? s : "None";
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Python repr() of an optional str, close enough for messages. */
static void
pyrepr(const char *s, char *out, size_t cap)
{
	if (s == NULL)
		snprintf(out, cap, "None");
	else
		snprintf(out, cap, "'%s'", s);
}

static void
check_payload(const struct stg_checkpoint *cp, struct stg_proof_report *r)
{
	const struct stg_checkpoint_payload *pl = cp->tl_raw_payload;
	struct stg_buf got, want;
	char leaf[STG_HEX_MAX], srepr[96], crepr[96];
	bool canon_ok, same;

	stg_buf_init(&got);
	stg_buf_init(&want);
	canon_ok = pl->json != NULL && stg_json_canonicalize(pl->json, strlen(pl->json), &got);
	if (!canon_ok) {
		add_check(r, "tl_payload_leaf_hash", false,
			  "checkpoint %s payload cannot be canonicalized", pystr(cp->id));
		goto done;
	}
	stg_sha256_hex(got.data, got.len, leaf);
	if (!str_eq(cp->tl_leaf_hash, leaf)) {
		pyrepr(cp->tl_leaf_hash, srepr, sizeof srepr);
		pyrepr(leaf, crepr, sizeof crepr);
		add_check(r, "tl_payload_leaf_hash", false,
			  "checkpoint %s leaf hash mismatch: stored=%s, computed=%s", pystr(cp->id),
			  srepr, crepr);
	} else {
		add_check(r, "tl_payload_leaf_hash", true, "sha256(canonical tl_raw.payload) = %s",
			  leaf);
	}
	if (!stg_checkpoint_payload_canonical(cp->chain_hash, cp->covered_chain_seq,
					      cp->created_at, cp->tenant_id, &want)) {
		add_check(r, "tl_payload_fields", false, "out of memory");
		goto done;
	}
	same = got.len == want.len && memcmp(got.data, want.data, got.len) == 0;
	if (same)
		add_check(r, "tl_payload_fields", true,
			  "tl_raw.payload matches the checkpoint's chain_hash, covered_chain_seq, "
			  "created_at and tenant_id");
	else
		add_check(r, "tl_payload_fields", false,
			  "checkpoint %s payload does not match chain head metadata", pystr(cp->id));
done:
	stg_buf_done(&got);
	stg_buf_done(&want);
}

static void
check_local_link(const struct stg_checkpoint *cp, struct stg_proof_report *r)
{
	char link[STG_HEX_MAX];

	if (cp->tl_raw_leaf_hash == NULL)
		add_check(r, "tl_raw_leaf_hash", false, "tl_raw has no leaf_hash");
	else if (!str_eq(cp->tl_raw_leaf_hash, cp->tl_leaf_hash))
		add_check(r, "tl_raw_leaf_hash", false,
			  "tl_raw.leaf_hash %s differs from tl_leaf_hash %s", cp->tl_raw_leaf_hash,
			  pystr(cp->tl_leaf_hash));
	else
		add_check(r, "tl_raw_leaf_hash", true, "tl_raw.leaf_hash equals tl_leaf_hash");

	if (cp->tl_raw_prev_hash == NULL || cp->tl_raw_leaf_hash == NULL ||
	    cp->tl_raw_chain_hash == NULL) {
		add_check(r, "tl_log_link", false,
			  "tl_raw lacks prev_hash, leaf_hash or chain_hash: log link not checkable");
		return;
	}
	stg_tl_chain_hash(cp->tl_raw_prev_hash, cp->tl_raw_leaf_hash, link);
	if (strcmp(link, cp->tl_raw_chain_hash) == 0)
		add_check(r, "tl_log_link", true,
			  "sha256(prev_hash + leaf_hash) = tl_raw.chain_hash %s", link);
	else
		add_check(r, "tl_log_link", false,
			  "local log link broken: sha256(prev_hash + leaf_hash) = %s, tl_raw.chain_hash = %s",
			  link, cp->tl_raw_chain_hash);
}

void
stg_verify_chain_proof(const struct stg_chain_proof *proof, enum stg_proof_mode mode,
		       bool require_checkpoint, struct stg_proof_report *out)
{
	const struct stg_checkpoint *cp;
	bool lag_mode = mode == STG_PROOF_LAG_AWARE;
	bool head_required;

	memset(out, 0, sizeof *out);
	out->valid = true;
	out->mode = mode;
	out->require_checkpoint = require_checkpoint;
	out->first_failure = -1;

	if (proof == NULL) {
		add_check(out, "proof_present", false, "missing fact-chain proof");
		return;
	}
	add_check(out, "proof_present", true, "chain_proof present for tenant %s",
		  pystr(proof->tenant_id));
	if (proof->checked_entries < 0)
		add_check(out, "checked_entries", false,
			  "fact-chain proof has negative checked_entries");
	else
		add_check(out, "checked_entries", true, "node verified %lld chain entries",
			  proof->checked_entries);
	if (proof->checked_entries > 0 && (proof->head_hash == NULL || proof->head_hash[0] == '\0'))
		add_check(out, "head_hash", false, "fact-chain proof is missing head_hash");
	else
		add_check(out, "head_hash", true, "head_hash %s", pystr(proof->head_hash));

	cp = proof->checkpoint;
	if (cp == NULL) {
		if (require_checkpoint)
			add_check(out, "checkpoint_present", false,
				  "fact-chain proof is missing checkpoint metadata");
		else
			add_check(out, "checkpoint_present", true,
				  "no checkpoint yet (not required)");
		return;
	}
	add_check(out, "checkpoint_present", true, "checkpoint %s covers chain_seq %lld",
		  pystr(cp->id), cp->covered_chain_seq);
	out->has_lag = true;
	out->lag = proof->checked_entries - cp->covered_chain_seq;

	if (!str_eq(cp->tenant_id, proof->tenant_id))
		add_check(out, "checkpoint_tenant", false,
			  "checkpoint tenant does not match fact-chain proof");
	else
		add_check(out, "checkpoint_tenant", true, "checkpoint tenant %s",
			  pystr(cp->tenant_id));

	head_required = !lag_mode || cp->covered_chain_seq >= proof->checked_entries;
	if (proof->head_hash == NULL)
		add_check(out, "checkpoint_head", true, "no head_hash to compare");
	else if (!head_required)
		add_check(out, "checkpoint_head", true,
			  "checkpoint lags head by %lld entries (covers %lld of %lld); "
			  "chain_hash not comparable with head_hash",
			  out->lag, cp->covered_chain_seq, proof->checked_entries);
	else if (!str_eq(cp->chain_hash, proof->head_hash))
		add_check(out, "checkpoint_head", false,
			  "checkpoint chain_hash does not match proof head_hash");
	else
		add_check(out, "checkpoint_head", true, "checkpoint chain_hash equals head_hash");

	if (cp->covered_chain_seq > proof->checked_entries)
		add_check(out, "checkpoint_covered_seq", false,
			  "checkpoint covers more entries than the verified chain");
	else
		add_check(out, "checkpoint_covered_seq", true,
			  "covered_chain_seq %lld <= checked_entries %lld", cp->covered_chain_seq,
			  proof->checked_entries);

	if (!str_eq(cp->status, "submitted"))
		add_check(out, "checkpoint_submitted", false, "checkpoint %s is not submitted: %s",
			  pystr(cp->id), pystr(cp->status));
	else
		add_check(out, "checkpoint_submitted", true, "submitted to the %s log",
			  pystr(cp->tl_backend));
	if (cp->tl_leaf_hash == NULL || cp->tl_leaf_hash[0] == '\0')
		add_check(out, "tl_leaf_hash_present", false, "checkpoint %s is missing tl_leaf_hash",
			  pystr(cp->id));
	else
		add_check(out, "tl_leaf_hash_present", true, "tl_leaf_hash %s", cp->tl_leaf_hash);
	if (!cp->has_tl_log_index)
		add_check(out, "tl_log_index_present", false,
			  "checkpoint %s is missing tl_log_index", pystr(cp->id));
	else
		add_check(out, "tl_log_index_present", true, "tl_log_index %lld",
			  cp->tl_log_index);

	if (cp->tl_raw_payload != NULL)
		check_payload(cp, out);
	if (lag_mode && str_eq(cp->tl_backend, "local"))
		check_local_link(cp, out);
}

/* ---- whole chains ------------------------------------------------------- */

static const char *const mismatch_names[] = {
	NULL,
	"chain_seq_gap",
	"previous_hash_mismatch",
	"fact_missing",
	"event_hash_mismatch",
	"chain_hash_mismatch",
};

const char *
stg_chain_mismatch_name(enum stg_chain_mismatch m)
{
	if ((unsigned)m >= sizeof mismatch_names / sizeof mismatch_names[0])
		return NULL;
	return mismatch_names[m];
}

const char *
stg_chain_mismatch_meaning(const char *reason)
{
	static const struct {
		const char *reason, *meaning;
	} m[] = {
		{"event_hash_mismatch",
		 "a stored fact no longer hashes to its chain entry (altered after the write)"},
		{"fact_missing", "a chained fact's row is gone"},
		{"previous_hash_mismatch", "a chain entry does not link to the one before it"},
		{"chain_seq_gap", "chain entries are missing (sequence gap)"},
		{"chain_hash_mismatch", "a chain entry's own hash was altered"},
	};
	size_t i;

	if (reason == NULL)
		return "";
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(reason, m[i].reason) == 0)
			return m[i].meaning;
	return "";
}

static bool
chain_fail(struct stg_chain_verification *out, const struct stg_chain_entry *e,
	   enum stg_chain_mismatch m)
{
	out->valid = false;
	out->mismatch = m;
	out->fact_id = e->fact_id;
	out->has_chain_seq = true;
	out->chain_seq = e->chain_seq;
	return false;
}

bool
stg_verify_chain_entries(const struct stg_chain_entry *entries, size_t n,
			 struct stg_chain_verification *out)
{
	const char *previous = NULL;
	long long expected = 1;
	char h[STG_HASH_MAX];
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < n; i++) {
		const struct stg_chain_entry *e = &entries[i];
		const struct stg_chain_fact_row *f = e->fact;
		struct stg_chain_event ev;
		struct stg_chain_link ln;

		out->checked_entries = expected - 1;
		if (e->chain_seq != expected)
			return chain_fail(out, e, STG_CHAIN_SEQ_GAP);
		if (!str_eq(e->previous_hash, previous))
			return chain_fail(out, e, STG_CHAIN_PREVIOUS_HASH_MISMATCH);
		if (f == NULL)
			return chain_fail(out, e, STG_CHAIN_FACT_MISSING);

		ev.cid = f->cid;
		ev.confidence = f->confidence;
		ev.entity = f->entity;
		ev.fact_id = e->fact_id;
		ev.relation = f->relation;
		ev.scope = f->scope;
		ev.source = f->source;
		ev.tenant_id = f->tenant_id != NULL ? f->tenant_id : e->tenant_id;
		ev.value_type = f->value_type;
		ev.value_v = f->value_v;
		ev.value_v_len = f->value_v_len;
		if (!stg_chain_event_hash(&ev, h) || !str_eq(e->event_hash, h))
			return chain_fail(out, e, STG_CHAIN_EVENT_HASH_MISMATCH);

		ln.chain_seq = e->chain_seq;
		ln.created_at = e->created_at;
		ln.event_hash = e->event_hash;
		ln.fact_id = e->fact_id;
		ln.previous_hash = e->previous_hash;
		ln.tenant_id = e->tenant_id;
		if (!stg_chain_link_hash(&ln, h) || !str_eq(e->chain_hash, h))
			return chain_fail(out, e, STG_CHAIN_HASH_MISMATCH);

		previous = e->chain_hash;
		expected++;
	}
	out->valid = true;
	out->checked_entries = (long long)n;
	out->mismatch = STG_CHAIN_OK;
	if (n > 0 && entries[n - 1].chain_hash != NULL)
		snprintf(out->head_hash, sizeof out->head_hash, "%s", entries[n - 1].chain_hash);
	return true;
}
