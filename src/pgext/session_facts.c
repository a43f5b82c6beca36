/*
 * borealis.auth_method, borealis.auth_principal, borealis.gss_encrypted: set by the gateway as
 * startup parameters of the backend connection it opens for a client, readable by the client with
 * SHOW or current_setting().
 *
 * Why PGC_BACKEND: a value can only come with the startup packet and can never be SET, RESET or
 * changed by ALTER ROLE/DATABASE ... SET afterwards, so the session cannot relabel itself. Only the
 * gateway can open a backend connection (the socket directory is private), and the gateway refuses
 * clients that try to pass any borealis.* parameter or option of their own. A pooled backend is
 * reused only by a client with the same facts (they are part of the pool key).
 */
#include "postgres.h"

#include "utils/guc.h"

#include "session_facts.h"

static char *auth_method = NULL;
static char *auth_principal = NULL;
static bool gss_encrypted = false;

void
borealis_define_session_facts(void)
{
	const int	flags = GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE;

	DefineCustomStringVariable("borealis.auth_method",
							   "How the client authenticated at the borealis gateway (scram, gss, iam).",
							   NULL, &auth_method, "", PGC_BACKEND, flags, NULL, NULL, NULL);
	DefineCustomStringVariable("borealis.auth_principal",
							   "Who the client authenticated as: the Kerberos principal (gss) or the IAM principal ARN (iam).",
							   NULL, &auth_principal, "", PGC_BACKEND, flags, NULL, NULL, NULL);
	DefineCustomBoolVariable("borealis.gss_encrypted",
							 "Whether the client's connection to the gateway is GSSAPI-encrypted.",
							 NULL, &gss_encrypted, false, PGC_BACKEND, flags, NULL, NULL, NULL);
	MarkGUCPrefixReserved("borealis");
}
