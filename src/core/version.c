/* version.c — library version. */
#include "stigmem/stigmem.h"

#ifndef STG_VERSION
#define STG_VERSION "0.0.0"
#endif

const char *
stg_version(void)
{
	return STG_VERSION;
}
