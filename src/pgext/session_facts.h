/*
 * Read-only facts about how the client of this backend authenticated at the borealis gateway.
 * The gateway connects to the instance over its private Unix socket, so PostgreSQL's own
 * pg_stat_gssapi / pg_stat_ssl describe that socket, not the client; these settings carry the
 * client's side instead.
 */
#ifndef BOREALIS_SESSION_FACTS_H
#define BOREALIS_SESSION_FACTS_H

void borealis_define_session_facts(void);

#endif
