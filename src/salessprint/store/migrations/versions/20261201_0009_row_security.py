"""PostgreSQL itself enforces who may do what (docs/permissions.md): row-level
security on every team table, and an audit log nobody can forge.

Who is acting is `session_user`, the PostgreSQL login, read through four
functions (`ss_member_id`, `ss_team_id`, `ss_role`, `ss_privileged`). The
policies allow every member to read their team's rows and write as the
permission matrix says: a rep writes deals they own or collaborate on,
their own tasks, activities, cards, notes, retro entries, votes and
targets; a manager also the sprints and everyone's work; an admin also the
members, stages and team. A privileged session (a superuser, the
database's owner, or a member of the store's owner group: see
store/roles.py) is the DBA's and passes every policy.

RLS is forced on every table (so even the owner group obeys it) except
`members`: the "who am I" functions read it as its owner, and forcing it
there would make every policy that asks them recurse.

Tables added by 0005-0008 are covered too (`forecast_snapshots`,
`deal_archive`); a later migration that adds a team table adds its policies
(tests/store/test_roles.py names any table without them).

The audit log `changes`: login roles get SELECT and INSERT, and UPDATE of
the one column `undone` (undo marks the change it reverted; only the
actor's own rows, only from false to true); a trigger sets `actor_id` from
`session_user`, whatever the client sent. No policy lets anyone but a
privileged session change or delete a row.

Nothing here applies to SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:30:00

"""

from collections.abc import Sequence

from alembic import op

from salessprint.store.roles import role_names

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each as an uncorrelated sub-select: PostgreSQL asks it once per
# statement, not once per row.
P = "(SELECT ss_privileged())"
MANAGER = "(SELECT ss_role()) IN ('manager', 'admin')"
ADMIN = "(SELECT ss_role()) = 'admin'"
ME = "(SELECT ss_member_id())"


def team(column: str = "team_id") -> str:
    return f"{column} = (SELECT ss_team_id())"


def _functions(owner: str) -> list[str]:
    return [
        # Plain SQL over the catalogs: anyone may read them.
        f"""CREATE OR REPLACE FUNCTION ss_privileged() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN
          RETURN EXISTS (
            SELECT 1 FROM pg_roles r, pg_database d
            WHERE r.rolname = session_user AND d.datname = current_database()
              AND (r.rolsuper OR d.datdba = r.oid
                   OR EXISTS (SELECT 1 FROM pg_roles o WHERE o.rolname = '{owner}'
                              AND pg_has_role(session_user, o.oid, 'MEMBER'))));
        END $$""",
        # Read as the owner of `members` (SECURITY DEFINER): the caller's
        # own policies on members are not asked again.
        """CREATE OR REPLACE FUNCTION ss_member_id() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path FROM CURRENT AS $$
          SELECT id FROM members WHERE login = session_user AND active
        $$""",
        """CREATE OR REPLACE FUNCTION ss_team_id() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path FROM CURRENT AS $$
          SELECT team_id FROM members WHERE login = session_user AND active
        $$""",
        """CREATE OR REPLACE FUNCTION ss_role() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path FROM CURRENT AS $$
          SELECT role FROM members WHERE login = session_user AND active
        $$""",
        # plpgsql, never inlined: each runs its own query under the caller's
        # read policies, so a policy that asks them does not recurse.
        f"""CREATE OR REPLACE FUNCTION ss_deal_in_team(d integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN RETURN EXISTS (SELECT 1 FROM deals WHERE id = d AND {team()}); END $$""",
        f"""CREATE OR REPLACE FUNCTION ss_collaborates(d integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN RETURN EXISTS (SELECT 1 FROM deal_collaborators WHERE deal_id = d AND member_id = {ME}); END $$""",
        f"""CREATE OR REPLACE FUNCTION ss_deal_writable(d integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN
          RETURN EXISTS (SELECT 1 FROM deals WHERE id = d AND {team()}
                         AND ({MANAGER} OR owner_id = {ME} OR ss_collaborates(d)));
        END $$""",
        f"""CREATE OR REPLACE FUNCTION ss_sprint_in_team(s integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN RETURN EXISTS (SELECT 1 FROM sprints WHERE id = s AND {team()}); END $$""",
        """CREATE OR REPLACE FUNCTION ss_entry_in_team(e integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN RETURN EXISTS (SELECT 1 FROM retro_entries WHERE id = e AND ss_sprint_in_team(sprint_id)); END $$""",
        f"""CREATE OR REPLACE FUNCTION ss_member_in_team(m integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        BEGIN RETURN EXISTS (SELECT 1 FROM members WHERE id = m AND {team()}); END $$""",
        # The audit log's actor is the login's member, not what the client says.
        f"""CREATE OR REPLACE FUNCTION ss_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NOT {P} THEN
              NEW.actor_id := {ME};
              NEW.undone := false;
            END IF;
          ELSIF NOT {P} THEN
            IF (to_jsonb(NEW) - 'undone') IS DISTINCT FROM (to_jsonb(OLD) - 'undone') OR NOT NEW.undone THEN
              RAISE EXCEPTION 'the change log cannot be edited' USING ERRCODE = '42501';
            END IF;
          END IF;
          RETURN NEW;
        END $$""",
    ]


def _policies() -> dict[str, dict[str, str]]:
    """Per table: the read rule and the write rules (insert's check, update's
    and delete's row rule; an update's new row must pass the insert rule)."""
    deal_write = f"{team()} AND ({MANAGER} OR owner_id = {ME} OR ss_collaborates(id))"
    return {
        "teams": {"read": team("id"), "insert": "false", "update": f"{team('id')} AND {ADMIN}", "delete": "false"},
        "stages": {"read": team(), "write": f"{team()} AND {ADMIN}"},
        "members": {"read": team(), "write": f"{team()} AND {ADMIN}"},
        "targets": {
            "read": "ss_member_in_team(member_id)",
            "write": f"ss_member_in_team(member_id) AND ({MANAGER} OR member_id = {ME})",
        },
        "accounts": {"read": team(), "insert": team(), "update": team(), "delete": f"{team()} AND {MANAGER}"},
        "deals": {
            "read": team(),
            "insert": f"{team()} AND ({MANAGER} OR owner_id = {ME})",
            "update": deal_write,
            "check": deal_write,
            "delete": deal_write,
        },
        "deal_collaborators": {"read": "ss_deal_in_team(deal_id)", "write": "ss_deal_writable(deal_id)"},
        "deal_events": {
            "read": "ss_deal_in_team(deal_id)",
            "insert": "ss_deal_writable(deal_id)",
            "update": f"ss_deal_in_team(deal_id) AND {MANAGER}",
            "delete": "ss_deal_writable(deal_id)",
        },
        "tasks": {"read": team(), "write": f"{team()} AND ({MANAGER} OR assignee_id = {ME})"},
        "sprints": {"read": team(), "write": f"{team()} AND {MANAGER}"},
        "sprint_items": {
            "read": "ss_sprint_in_team(sprint_id)",
            "write": f"ss_sprint_in_team(sprint_id) AND ({MANAGER} OR member_id = {ME})",
        },
        "activities": {"read": team(), "write": f"{team()} AND ({MANAGER} OR member_id = {ME})"},
        "retro_entries": {
            "read": "ss_sprint_in_team(sprint_id)",
            "insert": f"ss_sprint_in_team(sprint_id) AND author_id = {ME}",
            "update": f"ss_sprint_in_team(sprint_id) AND ({MANAGER} OR author_id = {ME})",
            "delete": f"ss_sprint_in_team(sprint_id) AND ({MANAGER} OR author_id = {ME})",
        },
        "retro_votes": {
            "read": "ss_entry_in_team(entry_id)",
            "write": f"ss_entry_in_team(entry_id) AND member_id = {ME}",
        },
        "notes": {
            "read": team(),
            # another's note comes back with a deal restored from the archive
            "insert": f"{team()} AND (author_id = {ME} OR ss_deal_writable(deal_id))",
            "update": f"{team()} AND ({MANAGER} OR author_id = {ME})",
            "delete": f"{team()} AND ({MANAGER} OR author_id = {ME})",
        },
        # Recorded by whoever runs the forecast first in a month, and at a sprint close.
        "forecast_snapshots": {
            "read": team(),
            "insert": team(),
            "update": f"{team()} AND {MANAGER}",
            "delete": f"{team()} AND {MANAGER}",
        },
        # A deleted deal: archived by whoever may delete it; restored by its
        # owner, whoever archived it, or a manager; purged (deleted) likewise
        # here, the services keeping purge to admins.
        "deal_archive": {
            "read": team(),
            "insert": f"{team()} AND ({MANAGER} OR owner_id = {ME} OR archived_by = {ME})",
            "update": f"{team()} AND {MANAGER}",
            "delete": f"{team()} AND ({MANAGER} OR owner_id = {ME} OR archived_by = {ME})",
        },
        "changes": {
            "read": team(),
            "insert": team(),
            "update": f"{team()} AND actor_id = {ME}",
            "delete": "false",
        },
    }


def _statements(table: str, rules: dict[str, str]) -> list[str]:
    write = rules.get("write")
    insert = rules.get("insert", write)
    update = rules.get("update", write)
    check = rules.get("check", insert if "update" not in rules else update)
    delete = rules.get("delete", write)
    forced = "" if table == "members" else f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"
    out = [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"]
    if forced:
        out.append(forced)
    out += [
        f"CREATE POLICY ss_read ON {table} FOR SELECT USING ({P} OR ({rules['read']}))",
        f"CREATE POLICY ss_insert ON {table} FOR INSERT WITH CHECK ({P} OR ({insert}))",
        f"CREATE POLICY ss_update ON {table} FOR UPDATE USING ({P} OR ({update})) WITH CHECK ({P} OR ({check}))",
        f"CREATE POLICY ss_delete ON {table} FOR DELETE USING ({P} OR ({delete}))",
    ]
    return out


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    database = bind.exec_driver_sql("SELECT current_database()").scalar_one()
    for statement in _functions(role_names(database).owner):
        bind.exec_driver_sql(statement)
    for table, rules in _policies().items():
        for statement in _statements(table, rules):
            bind.exec_driver_sql(statement)
    bind.exec_driver_sql(
        "CREATE TRIGGER ss_stamp_change BEFORE INSERT OR UPDATE ON changes FOR EACH ROW EXECUTE FUNCTION ss_stamp_change()"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS ss_stamp_change ON changes")
    for table in _policies():
        for policy in ("ss_read", "ss_insert", "ss_update", "ss_delete"):
            bind.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {table}")
        bind.exec_driver_sql(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        bind.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in (
        "ss_stamp_change()",
        "ss_member_in_team(integer)",
        "ss_entry_in_team(integer)",
        "ss_sprint_in_team(integer)",
        "ss_deal_writable(integer)",
        "ss_collaborates(integer)",
        "ss_deal_in_team(integer)",
        "ss_role()",
        "ss_team_id()",
        "ss_member_id()",
        "ss_privileged()",
    ):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}")
