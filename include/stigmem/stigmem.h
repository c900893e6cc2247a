/* stigmem/stigmem.h — umbrella header for libstigmem. */
#ifndef STIGMEM_STIGMEM_H
#define STIGMEM_STIGMEM_H

#include "stigmem/arena.h"
#include "stigmem/async.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"
#include "stigmem/client.h"
#include "stigmem/codec.h"
#include "stigmem/embed.h"
#include "stigmem/model.h"
#include "stigmem/sanitize.h"
#include "stigmem/score.h"
#include "stigmem/status.h"
#include "stigmem/verify.h"


/* Library version text ("0.1.0"). */
const char *stg_version(void);

#endif
