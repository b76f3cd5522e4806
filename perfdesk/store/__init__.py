"""The SQLite store: one file, every revision, migrations, the lock and backups."""
