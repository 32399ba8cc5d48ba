"""`flask db check` on a fresh SQLite file and a fresh PostgreSQL database (used by .ci/run)."""
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.databases import PG_ADMIN_URL, PostgresDatabases


def flask(url: str, instance: str, *args: str) -> None:
    env = {"DATABASE_URL": url, "IDEAS_INSTANCE_PATH": instance, "PATH": str(Path(sys.executable).parent)}
    subprocess.run([sys.executable, "-m", "flask", "--app", "ideas", *args], check=True, env=env)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite:///{tmp}/check.sqlite"
        flask(sqlite, tmp, "db", "upgrade")
        flask(sqlite, tmp, "db", "check")
        pg = PostgresDatabases(PG_ADMIN_URL, Path(tmp))
        try:
            url = pg.fresh()
            flask(url, tmp, "db", "check")
            pg.drop(url)
        finally:
            pg.close()
    print("flask db check: models and migrations agree on SQLite and PostgreSQL")


if __name__ == "__main__":
    main()
