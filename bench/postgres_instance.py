"""A throwaway PostgreSQL server that a soak run may stop and start at will.

The shared server on 127.0.0.1:5432 must stay up for everyone else, so the
outage run starts its own with initdb in a temporary folder. PostgreSQL
refuses to run as root: as root, the commands run as the `postgres` user
through runuser, in a folder that user owns.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

POSTGRES_USER = "postgres"


def find_bin_dir() -> Path | None:
    """Return the newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name), reverse=True)
    for candidate in candidates:
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def unavailable_reason() -> str | None:
    """Return why no instance can be started here, or None when one can."""
    if find_bin_dir() is None:
        return "the PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(POSTGRES_USER)
        except KeyError:
            return f"running as root, and there is no {POSTGRES_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root, and runuser is not installed"
    return None


class PostgresInstance:
    """initdb, start, stop and remove one PostgreSQL server on 127.0.0.1:`port`."""

    def __init__(self, port: int):
        self.port = port
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="pyo-soak-postgres-"))
        self.data_dir = self.root / "data"
        self.log_file = self.root / "server.log"
        if os.geteuid() == 0:
            account = pwd.getpwnam(POSTGRES_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def sqlalchemy_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", POSTGRES_USER, "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed with exit code {result.returncode}:\n{result.stdout}\n{result.stderr}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", POSTGRES_USER, "-A", "trust", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        # fsync off: the data is thrown away after the run, and the outage
        # is a clean stop, not a crash.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete its folder."""
        if (self.data_dir / "postmaster.pid").exists():
            try:
                self.stop()
            except RuntimeError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
