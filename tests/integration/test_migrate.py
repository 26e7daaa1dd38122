# SPDX-License-Identifier: AGPL-3.0-or-later
"""`guichet migrate` keeps each applied file's sha256 and refuses to run
when an applied file has changed (engine/migrate.c, sql/0006)."""
import hashlib
import os
import shutil


def copy_sql(stack, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(os.path.join(stack.root, "sql"), sql_dir)
    return sql_dir


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_every_applied_file_has_its_sha256(stack):
    r = stack.guichet("migrate")
    assert r.returncode == 0, r.stderr
    rows = dict(stack.sql("SELECT version, coalesce(sha256, '') FROM schema_migrations"))
    sql = os.path.join(stack.root, "sql")
    for name in sorted(os.listdir(sql)):
        assert rows[name] == sha256(os.path.join(sql, name)), name


def test_changed_applied_file_is_refused_by_name_and_nothing_applied(stack, tmp_path):
    sql_dir = copy_sql(stack, tmp_path)
    env = {"GUICHET_SQL_DIR": str(sql_dir)}
    edited = sql_dir / "0003_spaces.sql"
    original = edited.read_bytes()
    (sql_dir / "9998_later.sql").write_text("CREATE TABLE migrate_later (id int);\n")
    edited.write_bytes(original + b"\n-- edited after it was applied\n")
    try:
        r = stack.guichet_env(env, "migrate")
        assert r.returncode != 0
        assert "0003_spaces.sql: changed since it was applied" in r.stderr, r.stderr
        assert "nothing applied" in r.stderr
        # the file after it was not applied either
        assert stack.sql("SELECT to_regclass('migrate_later') IS NULL") == [("t",)]
        assert stack.sql("SELECT count(*) FROM schema_migrations"
                         " WHERE version = '9998_later.sql'") == [("0",)]

        edited.write_bytes(original)
        r = stack.guichet_env(env, "migrate")
        assert r.returncode == 0, r.stderr
        assert "applied 9998_later.sql" in r.stdout
        assert stack.sql("SELECT sha256 FROM schema_migrations"
                         " WHERE version = '9998_later.sql'") == [
            (sha256(sql_dir / "9998_later.sql"),)]
    finally:
        stack.sql("DROP TABLE IF EXISTS migrate_later;"
                  " DELETE FROM schema_migrations WHERE version = '9998_later.sql'")


def test_rows_from_before_sha256_are_filled_once(stack):
    stack.sql("UPDATE schema_migrations SET sha256 = NULL"
              " WHERE version IN ('0001_base.sql', '0004_workflow.sql')")
    r = stack.guichet("migrate")
    assert r.returncode == 0, r.stderr
    assert "recorded the sha256 of 0001_base.sql" in r.stdout
    assert "recorded the sha256 of 0004_workflow.sql" in r.stdout
    assert "(0 applied now)" in r.stdout
    sql = os.path.join(stack.root, "sql")
    assert stack.sql("SELECT sha256 FROM schema_migrations WHERE version = '0004_workflow.sql'") \
        == [(sha256(os.path.join(sql, "0004_workflow.sql")),)]
    again = stack.guichet("migrate")
    assert "recorded" not in again.stdout


def test_upgrade_from_before_the_column(stack):
    """A database migrated by the code before 0006: the column does not
    exist when migrate starts; 0006 adds it and the same run fills it."""
    stack.sql("ALTER TABLE schema_migrations DROP COLUMN sha256;"
              " DELETE FROM schema_migrations WHERE version = '0006_migration_checksums.sql'")
    r = stack.guichet("migrate")
    assert r.returncode == 0, r.stderr
    assert "applied 0006_migration_checksums.sql" in r.stdout
    assert "recorded the sha256 of 0005_definition_meta.sql" in r.stdout
    assert stack.sql("SELECT count(*) FROM schema_migrations WHERE sha256 IS NULL") == [("0",)]
