/* cid.c — content ids, chain/checkpoint hashes and Python-style JSON
 * strings (stigmem-api.md §10, §11; see stigmem/cid.h).
 *
 * The fixed-shape objects (CID body, chain event, chain link, checkpoint
 * payload) are written by one emitter that either appends to a stg_buf or
 * streams straight into SHA-256 through a 4 KiB stack buffer, so hashing a
 * fact needs no heap at all. A CID body that fits the buffer even if every
 * byte needed escaping is written with a single room check
 * (emit_cid_direct); strings are scanned for bytes needing escapes 16
 * (SSE2) or 8 bytes at a time.
 *
 * SHA-256 uses OpenSSL's SHA256_Init/Update/Final: OpenSSL 3 marks them
 * deprecated, but SHA256() and EVP_Digest* fetch the algorithm on every
 * call, which costs about three times the hash itself for a 250-byte fact.
 * Builds without the deprecated interface fall back to EVP. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "stigmem/cid.h"

#if defined(OPENSSL_NO_DEPRECATED_3_0)
#define STG_SHA_EVP 1
#endif

/* ---- hashing ---------------------------------------------------------- */

struct sha_ctx {
#ifdef STG_SHA_EVP
	EVP_MD_CTX *evp;
#else
	SHA256_CTX c;
#endif
	int ok;
};

static void
sha_init(struct sha_ctx *s)
{
#ifdef STG_SHA_EVP
	s->evp = EVP_MD_CTX_new();
	s->ok = s->evp != NULL && EVP_DigestInit_ex(s->evp, EVP_sha256(), NULL) == 1;
#else
	s->ok = SHA256_Init(&s->c) == 1;
#endif
}

static void
sha_update(struct sha_ctx *s, const void *p, size_t n)
{
	if (!s->ok || n == 0)
		return;
#ifdef STG_SHA_EVP
	s->ok = EVP_DigestUpdate(s->evp, p, n) == 1;
#else
	s->ok = SHA256_Update(&s->c, p, n) == 1;
#endif
}

/* Finish into 32 bytes; returns false if any step failed. */
static bool
sha_final(struct sha_ctx *s, unsigned char md[32])
{
#ifdef STG_SHA_EVP
	unsigned int len = 0;

	if (s->ok)
		s->ok = EVP_DigestFinal_ex(s->evp, md, &len) == 1 && len == 32;
	EVP_MD_CTX_free(s->evp);
	s->evp = NULL;
#else
	if (s->ok)
		s->ok = SHA256_Final(md, &s->c) == 1;
#endif
	return s->ok != 0;
}

static const char hexdig[] = "0123456789abcdef";

/* "000102...ff": the two hex digits of every byte value. */
#define HX4(a) #a "0" #a "1" #a "2" #a "3" #a "4" #a "5" #a "6" #a "7" \
	       #a "8" #a "9" #a "a" #a "b" #a "c" #a "d" #a "e" #a "f"
static const char hexpairs[513] __attribute__((unused)) =
	HX4(0) HX4(1) HX4(2) HX4(3) HX4(4) HX4(5) HX4(6) HX4(7)
	HX4(8) HX4(9) HX4(a) HX4(b) HX4(c) HX4(d) HX4(e) HX4(f);
#undef HX4

static void
to_hex(const unsigned char md[32], char *out)
{
#ifdef __SSE2__
	const __m128i lo4 = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9),
		      zero = _mm_set1_epi8('0'), gap = _mm_set1_epi8('a' - '0' - 10);
	int h;

	for (h = 0; h < 2; h++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(md + 16 * h));
		__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), lo4);
		__m128i lo = _mm_and_si128(v, lo4);
		__m128i a = _mm_unpacklo_epi8(hi, lo), b = _mm_unpackhi_epi8(hi, lo);

		a = _mm_add_epi8(_mm_add_epi8(a, zero), _mm_and_si128(_mm_cmpgt_epi8(a, nine), gap));
		b = _mm_add_epi8(_mm_add_epi8(b, zero), _mm_and_si128(_mm_cmpgt_epi8(b, nine), gap));
		_mm_storeu_si128((__m128i *)(void *)(out + 32 * h), a);
		_mm_storeu_si128((__m128i *)(void *)(out + 32 * h + 16), b);
	}
#else
	int i;

	for (i = 0; i < 32; i++)
		memcpy(out + 2 * i, hexpairs + 2 * md[i], 2);
#endif
	out[64] = '\0';
}

void
stg_sha256_hex(const void *data, size_t n, char out[STG_HEX_MAX])
{
	struct sha_ctx s;
	unsigned char md[32];

	sha_init(&s);
	sha_update(&s, data, n);
	if (!sha_final(&s, md))
		memset(md, 0, sizeof md);
	to_hex(md, out);
}

void
stg_sha256_prefixed(const void *data, size_t n, char out[STG_HASH_MAX])
{
	memcpy(out, "sha256:", 7);
	stg_sha256_hex(data, n, out + 7);
}

/* ---- output sink: stg_buf or streaming SHA-256 ------------------------ */

#define SINK_STAGE 4096

struct sink {
	struct stg_buf *buf;         /* append here when non-NULL */
	struct sha_ctx *sha;         /* else hash here */
	size_t n;                    /* bytes staged */
	bool fail;
	char stage[SINK_STAGE];
};

static void
sink_flush(struct sink *k)
{
	if (k->n == 0)
		return;
	if (k->buf != NULL) {
		if (!stg_buf_append(k->buf, k->stage, k->n))
			k->fail = true;
	} else {
		sha_update(k->sha, k->stage, k->n);
	}
	k->n = 0;
}

static void
sink_put_slow(struct sink *k, const void *p, size_t n)
{
	sink_flush(k);
	if (n <= SINK_STAGE) {
		memcpy(k->stage, p, n);
		k->n = n;
		return;
	}
	/* large run: pass through without staging */
	if (k->buf != NULL) {
		if (!stg_buf_append(k->buf, p, n))
			k->fail = true;
	} else {
		sha_update(k->sha, p, n);
	}
}

static inline void
sink_put(struct sink *k, const void *p, size_t n)
{
	if (n <= SINK_STAGE - k->n) {
		memcpy(k->stage + k->n, p, n);
		k->n += n;
		return;
	}
	sink_put_slow(k, p, n);
}

static inline void
sink_putc(struct sink *k, char c)
{
	if (k->n == SINK_STAGE)
		sink_flush(k);
	k->stage[k->n++] = c;
}

#define SINK_LIT(k, s) sink_put((k), (s), sizeof(s) - 1)

/* 0: copy raw; 1: \uXXXX; else the second char of a two-char escape. */
static const unsigned char esc_tab[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 'b', 't', 'n', 1, 'f', 'r', 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
	/* 0x60.. all raw (DEL and every non-ASCII byte included) */
};

/* Nonzero when any byte of w is < 0x20, '"' or '\\' (exact as a
 * whole-word test; says nothing about which byte). */
static inline uint64_t
word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	return ((w - ones * 0x20) & ~w & high) | ((q - ones) & ~q & high) |
	       ((b - ones) & ~b & high);
}

/* Escape one byte known to need it (esc_tab[c] != 0); returns bytes written. */
static inline size_t
put_escape(char *o, unsigned char c)
{
	unsigned char e = esc_tab[c];

	o[0] = '\\';
	if (e != 1) {
		o[1] = (char)e;
		return 2;
	}
	o[1] = 'u';
	o[2] = '0';
	o[3] = '0';
	o[4] = hexdig[c >> 4];
	o[5] = hexdig[c & 15];
	return 6;
}

/* Write c source bytes escaped into o (room for 6 * c); returns the
 * output length. Plain runs move eight bytes at a time. */
static size_t
escape_into(char *o, const unsigned char *p, size_t c)
{
	char *o0 = o;
	size_t j = 0, end;
	uint64_t w;

#ifdef __SSE2__
	/* 16 bytes at a time: store them, then keep only the plain prefix */
	const __m128i c1f = _mm_set1_epi8(0x1f), cq = _mm_set1_epi8('"'),
		      cb = _mm_set1_epi8('\\');
	__m128i x;
	int m;

	while (j + 16 <= c) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
		m = _mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x),
			_mm_or_si128(_mm_cmpeq_epi8(x, cq), _mm_cmpeq_epi8(x, cb))));
		_mm_storeu_si128((__m128i *)(void *)o, x);
		if (m == 0) {
			o += 16;
			j += 16;
			continue;
		}
		m = __builtin_ctz((unsigned)m);
		o += m;
		j += (size_t)m;
		o += put_escape(o, p[j]);
		j++;
	}
	if (j < c && c >= 16) {
		/* tail: the last 16 source bytes, overlapping output that
		 * was copied raw (see the 8-byte case below) */
		x = _mm_loadu_si128((const __m128i *)(const void *)(p + c - 16));
		m = _mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(_mm_min_epu8(x, c1f), x),
			_mm_or_si128(_mm_cmpeq_epi8(x, cq), _mm_cmpeq_epi8(x, cb))));
		if (m == 0) {
			_mm_storeu_si128((__m128i *)(void *)(o - (16 - (c - j))), x);
			return (size_t)(o - o0) + (c - j);
		}
	}
#endif
	while (j + 8 <= c) {
		memcpy(&w, p + j, 8);
		if (!word_special(w)) {
			memcpy(o, &w, 8);
			o += 8;
			j += 8;
			continue;
		}
		for (end = j + 8; j < end; j++) {
			if (esc_tab[p[j]] == 0)
				*o++ = (char)p[j];
			else
				o += put_escape(o, p[j]);
		}
	}
	if (j < c && c >= 8) {
		/* tail: the last eight source bytes, overlapping what was
		 * already written; the overlap was copied raw (no special
		 * byte in it), so rewriting it is harmless */
		memcpy(&w, p + c - 8, 8);
		if (!word_special(w)) {
			memcpy(o - (8 - (c - j)), &w, 8);
			return (size_t)(o - o0) + (c - j);
		}
	}
	for (; j < c; j++) {
		if (esc_tab[p[j]] == 0)
			*o++ = (char)p[j];
		else
			o += put_escape(o, p[j]);
	}
	return (size_t)(o - o0);
}

/* escape_into() with the short-string cases inlined: two overlapping
 * loads cover 4..15 bytes without reading past the end. */
static inline size_t
escape_fast(char *o, const unsigned char *p, size_t c)
{
	if (c >= 8 && c < 16) {
		uint64_t a, b;

		memcpy(&a, p, 8);
		memcpy(&b, p + c - 8, 8);
		if (!(word_special(a) | word_special(b))) {
			memcpy(o, &a, 8);
			memcpy(o + c - 8, &b, 8);
			return c;
		}
	} else if (c >= 4 && c < 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + c - 4, 4);
		if (!word_special(((uint64_t)a << 32) | b)) {
			memcpy(o, &a, 4);
			memcpy(o + c - 4, &b, 4);
			return c;
		}
	}
	return escape_into(o, p, c);
}

#define ESC_CHUNK 512 /* source bytes per escape_into() call; 6x fits the stage */

/* Python json.dumps(ensure_ascii=False) string: quotes, escapes for
 * '"', '\\' and C0 only; everything else raw bytes. */
static void
sink_pystring(struct sink *k, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t c;

	sink_putc(k, '"');
	while (n > 0) {
		c = n < ESC_CHUNK ? n : ESC_CHUNK;
		if (SINK_STAGE - k->n < 6 * c)
			sink_flush(k);
		k->n += escape_fast(k->stage + k->n, p, c);
		p += c;
		n -= c;
	}
	sink_putc(k, '"');
}

/* A string member value: NULL => JSON null. */
static void
sink_str_or_null(struct sink *k, const char *s)
{
	if (s == NULL)
		SINK_LIT(k, "null");
	else
		sink_pystring(k, s, strlen(s));
}

static void
sink_value_v(struct sink *k, const char *v, size_t len)
{
	if (v == NULL)
		sink_pystring(k, "", 0);
	else
		sink_pystring(k, v, len == (size_t)-1 ? strlen(v) : len);
}

static void
sink_float(struct sink *k, double x)
{
	char t[STG_PYFLOAT_MAX];

	sink_put(k, t, stg_pyfloat_format(x, t));
}

static void
sink_ll(struct sink *k, long long v)
{
	char t[24];
	int n = 0, i;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char r[24];

	do {
		r[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	i = 0;
	if (v < 0)
		t[i++] = '-';
	while (n > 0)
		t[i++] = r[--n];
	sink_put(k, t, (size_t)i);
}

/* ---- the fixed objects ------------------------------------------------- */

#define PUT_LIT(o, s) (memcpy((o), (s), sizeof(s) - 1), (o) += sizeof(s) - 1)

/* Write a string member straight into the stage (room checked by caller). */
static inline char *
put_str_direct(char *o, const char *s, size_t n)
{
	if (s == NULL) {
		PUT_LIT(o, "null");
		return o;
	}
	*o++ = '"';
	o += escape_fast(o, (const unsigned char *)s, n);
	*o++ = '"';
	return o;
}

static inline size_t
len_or0(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* The CID object written with one room check when the worst case (every
 * byte escaped to six) fits the stage; the common path for facts. */
static bool
emit_cid_direct(struct sink *k, const struct stg_cid_input *in)
{
	size_t le = len_or0(in->entity), lr = len_or0(in->relation), ls = len_or0(in->scope);
	size_t lo = len_or0(in->source), lt = len_or0(in->value_type);
	size_t lv = in->value_v == NULL ? 0
		    : in->value_v_len == (size_t)-1 ? strlen(in->value_v) : in->value_v_len;
	size_t total = le + lr + ls + lo + lt + lv;
	char *o;

	if (total > SINK_STAGE || 6 * total + 160 + STG_PYFLOAT_MAX > SINK_STAGE - k->n)
		return false;
	o = k->stage + k->n;
	PUT_LIT(o, "{\"confidence\":");
	o += stg_pyfloat_format(in->confidence, o);
	PUT_LIT(o, ",\"entity\":");
	o = put_str_direct(o, in->entity, le);
	PUT_LIT(o, ",\"relation\":");
	o = put_str_direct(o, in->relation, lr);
	PUT_LIT(o, ",\"scope\":");
	o = put_str_direct(o, in->scope, ls);
	PUT_LIT(o, ",\"source\":");
	o = put_str_direct(o, in->source, lo);
	PUT_LIT(o, ",\"value_type\":");
	o = put_str_direct(o, in->value_type, lt);
	PUT_LIT(o, ",\"value_v\":");
	o = put_str_direct(o, in->value_v == NULL ? "" : in->value_v, lv);
	*o++ = '}';
	k->n = (size_t)(o - k->stage);
	return true;
}

static void
emit_cid(struct sink *k, const struct stg_cid_input *in)
{
	if (emit_cid_direct(k, in))
		return;
	SINK_LIT(k, "{\"confidence\":");
	sink_float(k, in->confidence);
	SINK_LIT(k, ",\"entity\":");
	sink_str_or_null(k, in->entity);
	SINK_LIT(k, ",\"relation\":");
	sink_str_or_null(k, in->relation);
	SINK_LIT(k, ",\"scope\":");
	sink_str_or_null(k, in->scope);
	SINK_LIT(k, ",\"source\":");
	sink_str_or_null(k, in->source);
	SINK_LIT(k, ",\"value_type\":");
	sink_str_or_null(k, in->value_type);
	SINK_LIT(k, ",\"value_v\":");
	sink_value_v(k, in->value_v, in->value_v_len);
	sink_putc(k, '}');
}

static void
emit_event(struct sink *k, const struct stg_chain_event *ev)
{
	SINK_LIT(k, "{\"cid\":");
	sink_str_or_null(k, ev->cid);
	SINK_LIT(k, ",\"confidence\":");
	sink_float(k, ev->confidence);
	SINK_LIT(k, ",\"entity\":");
	sink_str_or_null(k, ev->entity);
	SINK_LIT(k, ",\"fact_id\":");
	sink_str_or_null(k, ev->fact_id);
	SINK_LIT(k, ",\"relation\":");
	sink_str_or_null(k, ev->relation);
	SINK_LIT(k, ",\"scope\":");
	sink_str_or_null(k, ev->scope);
	SINK_LIT(k, ",\"source\":");
	sink_str_or_null(k, ev->source);
	SINK_LIT(k, ",\"tenant_id\":");
	sink_str_or_null(k, ev->tenant_id);
	SINK_LIT(k, ",\"value_type\":");
	sink_str_or_null(k, ev->value_type);
	SINK_LIT(k, ",\"value_v\":");
	sink_value_v(k, ev->value_v, ev->value_v_len);
	sink_putc(k, '}');
}

static void
emit_link(struct sink *k, const struct stg_chain_link *ln)
{
	SINK_LIT(k, "{\"chain_seq\":");
	sink_ll(k, ln->chain_seq);
	SINK_LIT(k, ",\"created_at\":");
	sink_str_or_null(k, ln->created_at);
	SINK_LIT(k, ",\"event_hash\":");
	sink_str_or_null(k, ln->event_hash);
	SINK_LIT(k, ",\"fact_id\":");
	sink_str_or_null(k, ln->fact_id);
	SINK_LIT(k, ",\"previous_hash\":");
	sink_str_or_null(k, ln->previous_hash);
	SINK_LIT(k, ",\"tenant_id\":");
	sink_str_or_null(k, ln->tenant_id);
	sink_putc(k, '}');
}

struct payload_args {
	const char *chain_hash;
	long long covered_chain_seq;
	const char *created_at;
	const char *tenant_id;
};

static void
emit_payload(struct sink *k, const struct payload_args *a)
{
	SINK_LIT(k, "{\"chain_hash\":");
	sink_str_or_null(k, a->chain_hash);
	SINK_LIT(k, ",\"covered_chain_seq\":");
	sink_ll(k, a->covered_chain_seq);
	SINK_LIT(k, ",\"created_at\":");
	sink_str_or_null(k, a->created_at);
	SINK_LIT(k, ",\"kind\":\"stigmem.fact_chain_checkpoint\",\"tenant_id\":");
	sink_str_or_null(k, a->tenant_id);
	SINK_LIT(k, ",\"version\":1}");
}

typedef void (*emit_fn)(struct sink *, const void *);

static void emit_cid_v(struct sink *k, const void *p) { emit_cid(k, p); }
static void emit_event_v(struct sink *k, const void *p) { emit_event(k, p); }
static void emit_link_v(struct sink *k, const void *p) { emit_link(k, p); }
static void emit_payload_v(struct sink *k, const void *p) { emit_payload(k, p); }

static bool
run_to_buf(emit_fn fn, const void *arg, struct stg_buf *out)
{
	struct sink k;

	k.buf = out;
	k.sha = NULL;
	k.n = 0;
	k.fail = false;
	fn(&k, arg);
	sink_flush(&k);
	return !k.fail && !out->oom;
}

/* Hash the emitted bytes; hex (64 + NUL) into out. */
static bool
run_to_hex(emit_fn fn, const void *arg, char *out)
{
	struct sink k;
	struct sha_ctx s;
	unsigned char md[32];

	sha_init(&s);
	k.buf = NULL;
	k.sha = &s;
	k.n = 0;
	k.fail = false;
	fn(&k, arg);
	sink_flush(&k);
	if (!sha_final(&s, md)) {
		out[0] = '\0';
		return false;
	}
	to_hex(md, out);
	return true;
}

static bool
run_to_prefixed(emit_fn fn, const void *arg, char out[STG_HASH_MAX])
{
	memcpy(out, "sha256:", 7);
	if (!run_to_hex(fn, arg, out + 7)) {
		out[0] = '\0';
		return false;
	}
	return true;
}

/* ---- public ------------------------------------------------------------ */

bool
stg_json_put_pystring(struct stg_buf *b, const char *s, size_t n)
{
	struct sink k;

	k.buf = b;
	k.sha = NULL;
	k.n = 0;
	k.fail = false;
	sink_pystring(&k, s, n);
	sink_flush(&k);
	return !k.fail && !b->oom;
}

bool
stg_cid_canonical(const struct stg_cid_input *in, struct stg_buf *out)
{
	return run_to_buf(emit_cid_v, in, out);
}

bool
stg_cid_compute(const struct stg_cid_input *in, char out[STG_HASH_MAX])
{
	return run_to_prefixed(emit_cid_v, in, out);
}

bool
stg_cid_is_wellformed(const char *s)
{
	int i;

	if (s == NULL || strncmp(s, "sha256:", 7) != 0)
		return false;
	s += 7;
	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[64] == '\0';
}

bool
stg_chain_event_canonical(const struct stg_chain_event *ev, struct stg_buf *out)
{
	return run_to_buf(emit_event_v, ev, out);
}

bool
stg_chain_event_hash(const struct stg_chain_event *ev, char out[STG_HASH_MAX])
{
	return run_to_prefixed(emit_event_v, ev, out);
}

bool
stg_chain_link_canonical(const struct stg_chain_link *ln, struct stg_buf *out)
{
	return run_to_buf(emit_link_v, ln, out);
}

bool
stg_chain_link_hash(const struct stg_chain_link *ln, char out[STG_HASH_MAX])
{
	return run_to_prefixed(emit_link_v, ln, out);
}

bool
stg_checkpoint_payload_canonical(const char *chain_hash, long long covered_chain_seq,
				 const char *created_at, const char *tenant_id,
				 struct stg_buf *out)
{
	struct payload_args a = { chain_hash, covered_chain_seq, created_at, tenant_id };

	return run_to_buf(emit_payload_v, &a, out);
}

bool
stg_checkpoint_leaf_hash(const char *chain_hash, long long covered_chain_seq,
			 const char *created_at, const char *tenant_id,
			 char out[STG_HEX_MAX])
{
	struct payload_args a = { chain_hash, covered_chain_seq, created_at, tenant_id };

	return run_to_hex(emit_payload_v, &a, out);
}

void
stg_tl_chain_hash(const char *prev_hex, const char *leaf_hex, char out[STG_HEX_MAX])
{
	struct sha_ctx s;
	unsigned char md[32];

	sha_init(&s);
	if (prev_hex != NULL)
		sha_update(&s, prev_hex, strlen(prev_hex));
	if (leaf_hex != NULL)
		sha_update(&s, leaf_hex, strlen(leaf_hex));
	if (!sha_final(&s, md))
		memset(md, 0, sizeof md);
	to_hex(md, out);
}
