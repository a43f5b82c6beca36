/*
 * borealis_guard — a PostgreSQL 15 server module, loaded by every borealis instance through
 * shared_preload_libraries, that keeps a tenant's CREATEROLE master user (rds_superuser, not a
 * superuser) from reaching the postgres OS user or borealis's own roles.
 *
 * Why: on PostgreSQL 15 CREATEROLE means "admin of every non-superuser role", built-in ones included.
 * GRANT pg_execute_server_program / pg_read_server_files / pg_write_server_files would give
 * COPY ... PROGRAM and file access as the OS user that also runs the gateway and owns every keytab and
 * every other instance's PGDATA; GRANT pg_read_all_data would expose pg_authid (every verifier); and
 * ALTER/DROP/GRANT on borealis_* roles would let a tenant read verifiers through borealis_gateway or
 * break logins.
 *
 * What it does: a ProcessUtility_hook that, only when the current user is not a superuser, refuses
 * with 42501 (insufficient_privilege):
 *   - granting membership in a dangerous built-in role (kDangerousRoles) to anybody, however spelled:
 *     GRANT ... TO, CREATE ROLE ... IN ROLE/IN GROUP, ALTER GROUP ... ADD USER;
 *   - any change to the membership of a borealis_* role, on either side (GRANT/REVOKE, ROLE/ADMIN/
 *     IN ROLE options, ALTER GROUP ... ADD/DROP USER);
 *   - CREATE, ALTER (incl. ... SET and RENAME from or to), DROP of any borealis_* role.
 * Revoking a dangerous built-in role is allowed: it only takes privileges away.
 *
 * Deliberately not covered (each is either already refused by PostgreSQL 15 for non-superusers or
 * stays inside the tenant's own cluster):
 *   - SET ROLE / ALTER ... OWNER TO / REASSIGN OWNED / DROP OWNED / CREATE SCHEMA AUTHORIZATION into a
 *     protected role: PostgreSQL needs membership, which this module blocks;
 *   - ALTER ROLE ALL SET, SET SESSION AUTHORIZATION, GRANTED BY another role, SUPERUSER/REPLICATION/
 *     BYPASSRLS attributes, ALTER SYSTEM, server-side lo_import/lo_export, untrusted languages and
 *     extensions, event triggers, subscriptions: superuser-only in PostgreSQL 15;
 *   - COMMENT ON ROLE borealis_*: harmless text;
 *   - pg_signal_backend (rds_superuser holds it): can end the gateway's catalog sessions of the same
 *     instance only — a tenant can disturb its own logins, nobody else's;
 *   - ALTER/DROP of rds_superuser, rds_ad, rds_iam: the tenant's own roles, as on RDS;
 *   - object privileges (GRANT ... ON ... TO borealis_gateway): give the gateway role more, never the
 *     tenant.
 *
 * It must never restrict a superuser (the control plane bootstraps borealis_* roles as borealis_admin),
 * never change or rewrite a statement it lets through (it only reads the parse tree, by name: no
 * catalog lookups beyond the current user's name), and never log a statement's text (CREATE/ALTER ROLE
 * can carry a password).
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"

#include "session_facts.h"

PG_MODULE_MAGIC;

void _PG_init(void);

/* Every role whose name starts with this belongs to borealis (borealis_admin, borealis_gateway, ...). */
static const char kProtectedPrefix[] = "borealis_";

/* Membership in these gives the OS user's powers, or every password verifier (pg_authid). */
static const char *const kDangerousRoles[] = {
	"pg_execute_server_program",
	"pg_read_server_files",
	"pg_write_server_files",
	"pg_read_all_data",
};

static ProcessUtility_hook_type prev_process_utility = NULL;

static bool
is_protected(const char *name)
{
	return name != NULL && strncmp(name, kProtectedPrefix, sizeof(kProtectedPrefix) - 1) == 0;
}

static bool
is_dangerous(const char *name)
{
	if (name == NULL)
		return false;
	for (size_t i = 0; i < lengthof(kDangerousRoles); i++)
	{
		if (strcmp(name, kDangerousRoles[i]) == 0)
			return true;
	}
	return false;
}

/* The name a RoleSpec stands for; NULL for PUBLIC. CURRENT_USER can itself be a borealis_* role. */
static const char *
rolespec_name(const RoleSpec *spec)
{
	switch (spec->roletype)
	{
		case ROLESPEC_CSTRING:
			return spec->rolename;
		case ROLESPEC_CURRENT_ROLE:
		case ROLESPEC_CURRENT_USER:
			return GetUserNameFromId(GetUserId(), true);
		case ROLESPEC_SESSION_USER:
			return GetUserNameFromId(GetSessionUserId(), true);
		case ROLESPEC_PUBLIC:
			return NULL;
	}
	return NULL;
}

static void
refuse_role_change(const char *role)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to change role \"%s\"", role),
			 errdetail("Roles whose names start with \"%s\" belong to borealis.", kProtectedPrefix),
			 errhint("Only a superuser can create, alter, drop or change the membership of these roles.")));
}

static void
refuse_membership(const char *role)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to grant membership in role \"%s\"", role),
			 errdetail("Membership in \"%s\" gives access to the database server's files, programs or "
					   "password verifiers.", role),
			 errhint("Only a superuser can grant this role; it is not available to rds_superuser.")));
}

/* A role that gains members (`granting` = true) or any membership change of a borealis_* role. */
static void
check_group(const char *role, bool granting)
{
	if (is_protected(role))
		refuse_role_change(role);
	if (granting && is_dangerous(role))
		refuse_membership(role);
}

/* A list of RoleSpec that become (or stop being) members. */
static void
check_members(List *members)
{
	ListCell   *lc;

	foreach(lc, members)
	{
		const char *name = rolespec_name(lfirst_node(RoleSpec, lc));

		if (is_protected(name))
			refuse_role_change(name);
	}
}

static void
check_grant_role(const GrantRoleStmt *stmt)
{
	ListCell   *lc;

	/* In PostgreSQL 15 the granted roles are AccessPriv nodes that carry the role name. */
	foreach(lc, stmt->granted_roles)
		check_group(lfirst_node(AccessPriv, lc)->priv_name, stmt->is_grant);
	check_members(stmt->grantee_roles);
}

static void
check_create_role(const CreateRoleStmt *stmt)
{
	ListCell   *lc;

	if (is_protected(stmt->role))
		refuse_role_change(stmt->role);
	foreach(lc, stmt->options)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);

		if (strcmp(opt->defname, "addroleto") == 0)
		{
			/* IN ROLE / IN GROUP: the new role becomes a member of each listed role. */
			ListCell   *g;

			foreach(g, (List *) opt->arg)
				check_group(rolespec_name(lfirst_node(RoleSpec, g)), true);
		}
		else if (strcmp(opt->defname, "rolemembers") == 0 || strcmp(opt->defname, "adminmembers") == 0)
			check_members((List *) opt->arg);	/* ROLE / ADMIN / USER: listed roles join the new one */
	}
}

static void
check_alter_role(const AlterRoleStmt *stmt)
{
	const char *role = rolespec_name(stmt->role);
	ListCell   *lc;

	if (is_protected(role))
		refuse_role_change(role);
	/* ALTER GROUP g ADD USER ... (action +1) / DROP USER ... (action -1) arrive as "rolemembers". */
	foreach(lc, stmt->options)
	{
		DefElem    *opt = lfirst_node(DefElem, lc);

		if (strcmp(opt->defname, "rolemembers") != 0)
			continue;
		check_group(role, stmt->action > 0);
		check_members((List *) opt->arg);
	}
}

static void
check_utility(const Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_GrantRoleStmt:
			check_grant_role((const GrantRoleStmt *) parsetree);
			break;
		case T_CreateRoleStmt:
			check_create_role((const CreateRoleStmt *) parsetree);
			break;
		case T_AlterRoleStmt:
			check_alter_role((const AlterRoleStmt *) parsetree);
			break;
		case T_AlterRoleSetStmt:
			{
				const AlterRoleSetStmt *stmt = (const AlterRoleSetStmt *) parsetree;

				/* role == NULL is ALTER ROLE ALL SET: superuser-only in PostgreSQL itself. */
				if (stmt->role != NULL && is_protected(rolespec_name(stmt->role)))
					refuse_role_change(rolespec_name(stmt->role));
				break;
			}
		case T_DropRoleStmt:
			check_members(((const DropRoleStmt *) parsetree)->roles);
			break;
		case T_RenameStmt:
			{
				const RenameStmt *stmt = (const RenameStmt *) parsetree;

				if (stmt->renameType != OBJECT_ROLE)
					break;
				if (is_protected(stmt->subname))
					refuse_role_change(stmt->subname);
				if (is_protected(stmt->newname))
					refuse_role_change(stmt->newname);
				break;
			}
		default:
			break;
	}
}

static void
borealis_guard_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
							   ProcessUtilityContext context, ParamListInfo params,
							   QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (!superuser())
		check_utility(pstmt->utilityStmt);

	if (prev_process_utility != NULL)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
}

void
_PG_init(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = borealis_guard_process_utility;
	borealis_define_session_facts();
}
