"""Who is connected to a shared PostgreSQL store, and the roles that say what they may do.

On PostgreSQL a member's login is a PostgreSQL role of the same name: the
database, not the client, knows who is acting (`session_user`). Each store
has four group roles of its own, named from the database so that two
salessprint databases on one server never share them (roles are
cluster-wide): `<prefix>_owner` (NOLOGIN, owns the tables), and
`<prefix>_rep`, `<prefix>_manager`, `<prefix>_admin` (NOLOGIN; a member's
login is granted the one of their role). The table privileges are granted
to the rep group and inherited by the other two; what each member may do
to which rows is the row-level security of migration 0009, which reads the
member's role from the `members` table.

A *privileged* session is the one that set the store up: a superuser, the
database's owner, or a member of the owner group. It may act as any member
(`--as`), as it could change any row anyway; everyone else acts as the
member whose login is their own.

Nothing here applies to SQLite, which is one person's file.
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from salessprint.domain.enums import Role
from salessprint.domain.errors import Conflict, PermissionDenied, SalesSprintError

if TYPE_CHECKING:
    from salessprint.store.db import Store


@dataclass(frozen=True, slots=True)
class RoleNames:
    """The group roles of one store."""

    owner: str
    rep: str
    manager: str
    admin: str

    def of(self, role: Role) -> str:
        return {Role.REP: self.rep, Role.MANAGER: self.manager, Role.ADMIN: self.admin}[role]

    @property
    def groups(self) -> tuple[str, str, str]:
        return (self.rep, self.manager, self.admin)


def role_names(database: str) -> RoleNames:
    """`ss_<database, up to 30 safe characters>_<6 hex of its full name>_<kind>`:
    at most 50 characters (PostgreSQL keeps 63), and two databases whose
    names shorten alike still differ by the hash."""
    slug = re.sub(r"[^a-z0-9]+", "_", database.lower()).strip("_")[:30] or "db"
    digest = hashlib.sha1(database.encode("utf-8")).hexdigest()[:6]
    prefix = f"ss_{slug}_{digest}"
    return RoleNames(f"{prefix}_owner", f"{prefix}_rep", f"{prefix}_manager", f"{prefix}_admin")


def quote(name: str) -> str:
    """A role name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


LOGIN_SHAPE = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the connection is logged in as, and whether that session set the store up."""

    user: str
    privileged: bool

    def acting_login(self, asked: str | None) -> str:
        """The member to act as: one's own login, or, for a privileged session, whoever is asked for."""
        if self.privileged:
            if asked is None:
                raise SalesSprintError(
                    f"You are connected as {self.user}, who set up this store; say which member you act as with --as LOGIN."
                )
            return asked
        if asked is not None and asked != self.user:
            raise PermissionDenied(
                f"You are connected as {self.user}; --as {asked} would need {asked}'s own login "
                "(drop --as, SALESSPRINT_USER or the config file's user = to act as yourself)."
            )
        return self.user


_WHO = text(
    """
    SELECT session_user AS login,
           r.rolsuper OR d.datdba = r.oid
             OR EXISTS (SELECT 1 FROM pg_roles o WHERE o.rolname = :owner AND pg_has_role(session_user, o.oid, 'MEMBER'))
             AS privileged
    FROM pg_roles r, pg_database d
    WHERE r.rolname = session_user AND d.datname = current_database()
    """
)

_identities: weakref.WeakKeyDictionary[Store, Identity] = weakref.WeakKeyDictionary()


def identity(store: Store, conn: Connection) -> Identity | None:
    """The connection's identity (None on SQLite); asked once per store."""
    if store.backend == "sqlite":
        return None
    found = _identities.get(store)
    if found is None:
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        row = conn.execute(_WHO, {"owner": role_names(database).owner}).one()
        found = Identity(str(row.login), bool(row.privileged))
        _identities[store] = found
    return found


# -- setting the roles up ---------------------------------------------------


def can_create_roles(conn: Connection) -> bool:
    return bool(
        conn.exec_driver_sql("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").scalar()
    )


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def _tables(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
        ).scalars()
    )


APPEND_ONLY = ("changes",)
"""Tables login roles may read and add to but never change: the audit log."""
READ_ONLY = ("alembic_version",)


def setup_lines(database: str, members: list[tuple[str, Role]]) -> list[str]:
    """The statements that set up a store's roles, for a DBA to run by hand
    where the one upgrading may not create roles."""
    names = role_names(database)
    lines = [f"CREATE ROLE {quote(n)} NOLOGIN;" for n in (names.owner, *names.groups)]
    lines += [
        f"GRANT {quote(names.rep)} TO {quote(names.manager)};",
        f"GRANT {quote(names.manager)} TO {quote(names.admin)};",
    ]
    for login, role in members:
        lines += [f"CREATE ROLE {quote(login)} LOGIN;", f"GRANT {quote(names.of(role))} TO {quote(login)};"]
    lines.append("-- then run 'salessprint db upgrade' again as that DBA, to grant the tables to the groups")
    return lines


def ensure_roles(conn: Connection) -> list[str]:
    """Create the store's group roles (when missing and allowed), hand the
    tables to the owner group, grant them to the member groups, and create a
    login role for every active member who has none. Idempotent: `db upgrade`
    runs it every time. Returns what it did, in lines for the user (or, when
    this session may not create roles, the statements a DBA must run)."""
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    names = role_names(database)
    if not conn.execute(_WHO, {"owner": names.owner}).one().privileged:
        return []  # a member's own login sets nothing up
    members = [
        (str(login), Role(role))
        for login, role in conn.execute(text("SELECT login, role FROM members WHERE active ORDER BY login"))
    ]
    if not can_create_roles(conn):
        missing = [n for n in (names.owner, *names.groups) if not _role_exists(conn, n)]
        if missing:
            return [
                "This login may not create PostgreSQL roles; a DBA must run, as a superuser:",
                *setup_lines(database, members),
            ]
    done: list[str] = []
    if _in_place(conn, names):
        # Nothing to hand over: no ALTER TABLE (its exclusive locks would
        # queue behind, and deadlock with, the store's ordinary writes).
        for login, role in members:
            if ensure_login(conn, login, role):
                done.append(f"Created the login role {login} ({role.value}).")
        return done
    for name in (names.owner, *names.groups):
        if not _role_exists(conn, name):
            conn.exec_driver_sql(f"CREATE ROLE {quote(name)} NOLOGIN")
            done.append(f"Created the role {name}.")
    conn.exec_driver_sql(f"GRANT {quote(names.rep)} TO {quote(names.manager)}")
    conn.exec_driver_sql(f"GRANT {quote(names.manager)} TO {quote(names.admin)}")
    superuser = bool(conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar())
    if not superuser:
        conn.exec_driver_sql(f"GRANT {quote(names.owner)} TO current_user")
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(names.rep)}")
    for table in _tables(conn):
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} OWNER TO {quote(names.owner)}")
        if table in READ_ONLY:
            grant = "SELECT"
        elif table in APPEND_ONLY:
            grant = "SELECT, INSERT"
        else:
            grant = "SELECT, INSERT, UPDATE, DELETE"
        conn.exec_driver_sql(f"REVOKE ALL ON {quote(table)} FROM {quote(names.rep)}")
        conn.exec_driver_sql(f"GRANT {grant} ON {quote(table)} TO {quote(names.rep)}")
        if table in APPEND_ONLY:
            # Undo marks the change it reverted (migration 0009 lets the actor
            # flip their own row's `undone` from false to true, nothing else).
            conn.exec_driver_sql(f"GRANT UPDATE (undone) ON {quote(table)} TO {quote(names.rep)}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(names.rep)}")
    for function in conn.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'ss\\_%'"
        )
    ).scalars():
        conn.exec_driver_sql(f"ALTER FUNCTION {function} OWNER TO {quote(names.owner)}")
    for login, role in members:
        if ensure_login(conn, login, role):
            done.append(f"Created the login role {login} ({role.value}).")
    return done


def _in_place(conn: Connection, names: RoleNames) -> bool:
    """The groups exist and every table is the owner group's and granted to the rep group."""
    if not all(_role_exists(conn, n) for n in (names.owner, *names.groups)):
        return False
    return bool(
        conn.execute(
            text(
                "SELECT coalesce(bool_and(tableowner = :owner AND has_table_privilege(:rep, "
                "format('%I.%I', schemaname, tablename), 'SELECT')), false) "
                "FROM pg_tables WHERE schemaname = current_schema()"
            ),
            {"owner": names.owner, "rep": names.rep},
        ).scalar()
    )


def _groups_of(conn: Connection, login: str, names: RoleNames) -> dict[str, bool]:
    """The store's groups this login is in, each with whether it holds the ADMIN OPTION."""
    return {
        str(group): bool(admin)
        for group, admin in conn.execute(
            text(
                "SELECT g.rolname, m.admin_option FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :login AND g.rolname IN (:rep, :manager, :admin)"
            ),
            {"login": login, "rep": names.rep, "manager": names.manager, "admin": names.admin},
        )
    }


MANAGE_LOGINS = "SALESSPRINT_MANAGE_LOGINS"
"""Set to 0 where the DBA alone creates and grants login roles (and in the
test suite, whose stores must not leave logins behind on a shared server):
salessprint then neither creates nor grants them."""


def manages_logins() -> bool:
    return os.environ.get(MANAGE_LOGINS, "1").strip().lower() not in ("0", "no", "false", "off")


def ensure_login(conn: Connection, login: str, role: Role, password: str | None = None) -> bool:
    """Give a member's login the group of their role (and only that one),
    creating the login role when missing. An admin's login holds the three
    groups WITH ADMIN OPTION, so that their `member add` and `member role`
    can grant them. True when the login role was created."""
    if not manages_logins():
        return False
    names = role_names(conn.exec_driver_sql("SELECT current_database()").scalar_one())
    if not _role_exists(conn, names.rep):
        return False  # the store has no roles yet (see ensure_roles)
    created = False
    if not _role_exists(conn, login):
        if not can_create_roles(conn):
            raise Conflict(
                f"PostgreSQL has no login {login} and you may not create one: ask your DBA to run "
                f"CREATE ROLE {quote(login)} LOGIN; then run this again."
            )
        conn.exec_driver_sql(f"CREATE ROLE {quote(login)} LOGIN")
        created = True
    if password is not None:
        statement = conn.execute(
            text("SELECT format('ALTER ROLE %I PASSWORD %L', CAST(:l AS text), CAST(:p AS text))"),
            {"l": login, "p": password},
        ).scalar_one()
        conn.exec_driver_sql(statement)
    want = dict.fromkeys(names.groups, True) if role == Role.ADMIN else {names.of(role): False}
    if _groups_of(conn, login, names) == want:
        return created
    for group in names.groups:
        conn.exec_driver_sql(f"REVOKE {quote(group)} FROM {quote(login)}")
    if role == Role.ADMIN:
        for group in names.groups:
            conn.exec_driver_sql(f"GRANT {quote(group)} TO {quote(login)} WITH ADMIN OPTION")
    else:
        conn.exec_driver_sql(f"GRANT {quote(names.of(role))} TO {quote(login)}")
    return created


def revoke_login(conn: Connection, login: str) -> None:
    """Take every group of this store from a login (the role itself stays:
    it may belong to other databases, and its history names it)."""
    if not manages_logins():
        return
    names = role_names(conn.exec_driver_sql("SELECT current_database()").scalar_one())
    if not _role_exists(conn, login):
        return
    for group in names.groups:
        if _role_exists(conn, group):
            conn.exec_driver_sql(f"REVOKE {quote(group)} FROM {quote(login)}")


def drop_lines(database: str) -> list[str]:
    """What a DBA runs after dropping a store's database: its group roles go too
    (members' login roles stay; they may serve other databases)."""
    names = role_names(database)
    return [f"DROP ROLE IF EXISTS {quote(n)};" for n in (names.admin, names.manager, names.rep, names.owner)]


def require_owner(store: Store, what: str) -> None:
    """Refuse `what` (a restore, which replaces the schema) unless this is
    the session that set the store up: on PostgreSQL no member's login may
    drop and rebuild the tables. SQLite, one person's file, always passes."""
    if store.backend == "sqlite":
        return
    with store.engine.connect() as conn:
        who = identity(store, conn)
    if who is not None and not who.privileged:
        raise PermissionDenied(
            f"You are connected as {who.user}; {what} replaces the whole store, so only the database's "
            "owner may run it (ask your DBA)."
        )
