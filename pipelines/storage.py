"""The Dagster instance of `risicoradar run`: Dagster's sqlite storage, with its event log's
connections kept open for the process.

Dagster's `SqliteEventLogStorage` makes a new SQLAlchemy engine, opens a sqlite connection and
closes it again for every event it writes: twice for an asset event (the run's own database and
the index). Closing the last connection of a database in WAL mode checkpoints it, and a new
engine has an empty statement cache, so every INSERT is compiled again. A gemeente month writes
~160 events; with Dagster's storage the run took 2.3 s of Dagster's 4.2 s floor per month run, with
this one 0.8 s (tests/benchmarks/bench_dagster.py).

`ProcessSqliteStorage` is `DagsterSqliteStorage` on the same folder with the same files, tables
and migrations; only the event log's connections differ:

- one engine per database (the run's, the index), with one sqlite connection that stays open
  (SQLAlchemy's StaticPool) for at most `MAX_OPEN` databases, the oldest closed first;
- every transaction is still committed at once (sqlite's default synchronous mode in WAL): a
  killed process loses no event it wrote;
- after each transaction on a run's database its WAL is checkpointed into the database file, as
  closing the connection did: the webserver (`risicoradar ui`) follows a running run's events
  by watching that file change (`SqliteEventLogStorageWatchdog`), so it still sees them live;
- the lock Dagster takes around each connection is kept, and a forked child opens its own
  connections.

Only the CLI's own runs use it (`open_instance`); the webserver, the daemon and the tests read the
same files with Dagster's own classes.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.runs import SqliteRunStorage
from dagster._core.storage.schedules import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import NullPool, StaticPool

MAX_OPEN = 4  # databases with an open connection: the index and the runs of this process


class ProcessSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose sqlite connections stay open for the process (see module)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict = OrderedDict()
        self._engines_pid = os.getpid()
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def has_table(self, table_name: str) -> bool:
        """Dagster asks this for every asset event, with an engine and a connection of its own; a
        table that exists stays (migrations add tables, nothing here drops one)."""
        if table_name in self._tables_present:
            return True
        present = super().has_table(table_name)
        if present:
            self._tables_present.add(table_name)
        return present

    def _engine(self, shard: str):
        if os.getpid() != self._engines_pid:  # a forked child: the parent's connections are not ours
            self._engines = OrderedDict()
            self._engines_pid = os.getpid()
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,
                # one connection, used under self._db_lock from whichever thread holds it
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
        self._engines[shard] = engine
        while len(self._engines) > MAX_OPEN:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            if shard not in self._initialized_dbs:
                # creating or checking the schema opens connections of its own: Dagster's engine
                self._initdb(create_engine(self.conn_string_for_shard(shard), poolclass=NullPool,
                                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}))
                self._initialized_dbs.add(shard)
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn
                if shard != INDEX_SHARD_NAME:
                    # the run's events into its database file, where the webserver watches for them
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def dispose(self) -> None:
        """Close the open connections (each database's WAL is checkpointed on closing), then Dagster's own."""
        with self._db_lock:
            engines, self._engines = self._engines, OrderedDict()
            if os.getpid() == self._engines_pid:
                for engine in engines.values():
                    engine.dispose()
        super().dispose()


class ProcessSqliteStorage(DagsterSqliteStorage):
    """DagsterSqliteStorage with `ProcessSqliteEventLogStorage` as its event log (same folder)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # DagsterSqliteStorage.__init__ with the event log replaced (not made twice)
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = ProcessSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        return cls.from_local(inst_data=inst_data, **config_value)


def open_instance(home: Path | str | None = None) -> DagsterInstance:
    """The instance of DAGSTER_HOME (or `home`) as `DagsterInstance.get()` makes it, with
    `ProcessSqliteStorage` when the home uses Dagster's default sqlite storage (any other
    storage in its dagster.yaml is left as it is)."""
    ref = InstanceRef.from_dir(str(home or os.environ["DAGSTER_HOME"]))
    data = ref.storage_data
    if data is not None and (data.module_name, data.class_name) == ("dagster._core.storage.sqlite_storage",
                                                                     "DagsterSqliteStorage"):
        ref = ref._replace(storage_data=ConfigurableClassData(__name__, ProcessSqliteStorage.__name__,
                                                              data.config_yaml))
    return DagsterInstance.from_ref(ref)
