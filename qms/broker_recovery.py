"""Give the tasks of a dead worker back to the queue on the embedded (SQLAlchemy) broker.

kombu's SQLAlchemy transport marks a fetched message ``visible = false`` and
never looks at it again: acknowledging it only forgets it in the worker's
memory. A worker that dies in a task (SIGKILL, out of memory, power cut) leaves
its message hidden for ever, even with ``acks_late``. Redis has
``visibility_timeout`` for this; on the SQLite broker a task that may run for
half an hour cannot be told from a lost one by its age alone, so this module
asks whether the worker holding it is still alive:

* each worker process keeps a row of ``qms_broker_worker`` fresh from a
  background thread, every ``QMS_BROKER_HEARTBEAT_SECONDS``, also while a long
  task occupies the worker's main thread;
* when a worker receives a task it records the broker row it holds in
  ``qms_broker_claim`` (message id, task id, worker) and drops that claim when
  the task has run or was revoked;
* a sweep, at worker start and then at every heartbeat, makes the messages
  claimed by workers silent for more than ``QMS_BROKER_WORKER_TIMEOUT_SECONDS``
  visible again, and a live worker takes them. A message held by a live worker
  stays hidden however long its task runs.

A worker that stops normally hands its unacknowledged messages back itself
(kombu puts a copy in the queue at shutdown), so its claims are dropped, not
restored. Messages fetched more than a week ago and claimed by nobody are done
and are deleted, which kombu never does.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateTable

logger = logging.getLogger(__name__)

SCHEMES = ("sqla+", "sqlalchemy+")
DEFAULT_HEARTBEAT_SECONDS = 10.0
DEFAULT_WORKER_TIMEOUT_SECONDS = 60.0
#: kombu stamps the row when it is fetched; a claim looks only at rows fetched this recently.
FETCH_WINDOW = timedelta(minutes=10)
#: Fetched, unclaimed rows older than this are finished messages.
DONE_AFTER = timedelta(days=7)

_metadata = MetaData()
claims = Table(
    "qms_broker_claim",
    _metadata,
    Column("message_id", Integer, primary_key=True, autoincrement=False),
    Column("task_id", String(255), nullable=False),
    Column("worker", String(64), nullable=False),
    Column("claimed_at", Float, nullable=False),
)
workers = Table(
    "qms_broker_worker",
    _metadata,
    Column("token", String(64), primary_key=True),
    Column("hostname", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("seen_at", Float, nullable=False),
)


def _message_table(name: str) -> Table:
    """The columns of kombu's message table that recovery reads and writes."""
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("visible", Boolean),
        Column("timestamp", DateTime),
        Column("payload", Text),
    )


def is_embedded(broker_url: str | None) -> bool:
    return bool(broker_url) and broker_url.startswith(SCHEMES)


class Recovery:
    """Heartbeat, claims and sweep of one worker process on one SQLAlchemy broker."""

    def __init__(
        self,
        broker_url: str,
        *,
        transport_options: dict | None = None,
        heartbeat: float = DEFAULT_HEARTBEAT_SECONDS,
        timeout: float = DEFAULT_WORKER_TIMEOUT_SECONDS,
    ):
        url = broker_url.split("+", 1)[1]
        connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
        self.messages = _message_table((transport_options or {}).get("message_tablename", "kombu_message"))
        self.heartbeat = heartbeat
        self.timeout = timeout
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tables_ready = False

    @contextmanager
    def _transaction(self):
        """One write transaction; on SQLite it takes the write lock at once, as kombu does."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            if not self._tables_ready:
                for table in _metadata.sorted_tables:
                    conn.execute(CreateTable(table, if_not_exists=True))
            yield conn
            conn.commit()
        self._tables_ready = True

    def _beat(self, conn, now: float) -> None:
        if not conn.execute(update(workers).where(workers.c.token == self.token).values(seen_at=now)).rowcount:
            conn.execute(
                insert(workers).values(token=self.token, hostname=socket.gethostname(), pid=os.getpid(), seen_at=now)
            )

    def sweep(self) -> int:
        """Refresh this worker's heartbeat and restore the messages of dead workers; returns how many."""
        now = time.time()
        message = self.messages
        with self._transaction() as conn:
            self._beat(conn, now)
            alive = select(workers.c.token).where(workers.c.seen_at >= now - self.timeout)
            orphaned = claims.c.worker.not_in(alive)
            restored = conn.execute(
                update(message)
                .where(message.c.id.in_(select(claims.c.message_id).where(orphaned)), message.c.visible.is_(False))
                .values(visible=True)
            ).rowcount
            conn.execute(delete(claims).where(orphaned))
            conn.execute(delete(workers).where(workers.c.seen_at < now - self.timeout))
            conn.execute(
                delete(message).where(
                    message.c.visible.is_(False),
                    message.c.timestamp < datetime.now() - DONE_AFTER,
                    message.c.id.not_in(select(claims.c.message_id)),
                )
            )
        if restored:
            logger.warning("Broker recovery: %d task message(s) of stopped workers put back in the queue", restored)
        return restored

    def claim(self, *, delivery_tag: str, task_id: str) -> int | None:
        """Record that this worker holds the message ``delivery_tag``; returns its row id."""
        now = time.time()
        message = self.messages
        with self._transaction() as conn:
            self._beat(conn, now)
            rows = conn.execute(
                select(message.c.id, message.c.payload)
                .where(
                    message.c.visible.is_(False),
                    or_(message.c.timestamp >= datetime.now() - FETCH_WINDOW, message.c.timestamp.is_(None)),
                    message.c.payload.contains(delivery_tag, autoescape=True),
                )
                .order_by(message.c.id.desc())
            ).all()
            for message_id, payload in rows:
                if json.loads(payload).get("properties", {}).get("delivery_tag") == delivery_tag:
                    conn.execute(delete(claims).where(claims.c.message_id == message_id))
                    conn.execute(
                        insert(claims).values(message_id=message_id, task_id=task_id, worker=self.token, claimed_at=now)
                    )
                    return message_id
        logger.warning("Broker recovery: no broker row found for task %s", task_id)
        return None

    def release(self, task_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(delete(claims).where(claims.c.task_id == task_id))

    def start(self) -> None:
        self.sweep()
        self._thread = threading.Thread(target=self._run, name="broker-recovery", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                self.sweep()
            except Exception:
                logger.exception("Broker recovery: sweep failed")

    def stop(self) -> None:
        """Normal shutdown: kombu gives the unacknowledged messages back, so forget the claims."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.heartbeat + 30)
        with self._transaction() as conn:
            conn.execute(delete(claims).where(claims.c.worker == self.token))
            conn.execute(delete(workers).where(workers.c.token == self.token))


_state: dict = {"pid": None, "recovery": None, "in_worker": False}


def current(app) -> Recovery | None:
    """This worker process's :class:`Recovery`, or None outside a worker or on another broker."""
    if not _state["in_worker"] or not is_embedded(app.conf.broker_url):
        return None
    if _state["pid"] != os.getpid():
        from django.conf import settings

        _state["recovery"] = Recovery(
            app.conf.broker_url,
            transport_options=app.conf.broker_transport_options,
            heartbeat=float(getattr(settings, "QMS_BROKER_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)),
            timeout=float(getattr(settings, "QMS_BROKER_WORKER_TIMEOUT_SECONDS", DEFAULT_WORKER_TIMEOUT_SECONDS)),
        )
        _state["pid"] = os.getpid()
    return _state["recovery"]


def _guarded(action: str, func, *args, **kwargs) -> None:
    try:
        func(*args, **kwargs)
    except Exception:
        logger.exception("Broker recovery: %s failed", action)


def install(app) -> None:
    """Connect the worker signals of ``app``, from the worker's ``worker_init`` (``qms.celery``);
    nothing happens on another broker than the SQLAlchemy one."""
    from celery import signals

    _state["in_worker"] = True

    def on_ready(**kwargs):
        recovery = current(app)
        if recovery is not None:
            _guarded("start", recovery.start)

    def on_shutdown(**kwargs):
        recovery = current(app)
        if recovery is not None:
            _guarded("stop", recovery.stop)

    def on_received(request=None, **kwargs):
        recovery = current(app)
        if recovery is not None and request is not None:
            _guarded("claim", recovery.claim, delivery_tag=request.message.delivery_tag, task_id=request.id)

    def on_done(task_id=None, task=None, request=None, **kwargs):
        recovery = current(app)
        task_id = task_id or getattr(request, "id", None)
        if recovery is None or task_id is None or getattr(getattr(task, "request", None), "is_eager", False):
            return
        _guarded("release", recovery.release, task_id)

    signals.worker_ready.connect(on_ready, weak=False)
    signals.worker_shutdown.connect(on_shutdown, weak=False)
    signals.task_received.connect(on_received, weak=False)
    signals.task_postrun.connect(on_done, weak=False)
    signals.task_revoked.connect(on_done, weak=False)
