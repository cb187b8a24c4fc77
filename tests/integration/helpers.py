"""Handles on the processes the integration tests drive: the Kafka broker
(topics, producing), the TDengine REST stand-in, and the k2td binary.
conftest.py turns them into fixtures; tests may import them directly."""

import base64
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from confluent_kafka import Producer
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType,
                                   AdminClient, NewTopic, ResourcePatternType, ResourceType)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROKER_SH = os.path.join(REPO, "tests", "kafka", "broker.sh")
KDC_SH = os.path.join(REPO, "tests", "kafka", "kdc.sh")
STANDIN_PY = os.path.join(REPO, "tests", "standin", "tdengine_standin.py")

# How k2td is invoked on a task file: "{task}" stands for the file's path.
K2TD_TASK_ARGS = ("run", "{task}")


def rest_sql(url, user, password, text, db=None, timeout=30, token=None):
    """POSTs one SQL statement to url's /rest/sql[/db] with Basic auth (and
    the query parameter token when given) and returns the parsed JSON answer,
    also for HTTP error statuses. Raises OSError when the server cannot be
    reached, ValueError when the answer is not JSON. Text that is not UTF-8
    (a VARCHAR keeps the bytes it was given, and taosAdapter answers them
    as they are) comes back with its bad bytes as surrogate escapes:
    compare with bytes.decode("utf-8", "surrogateescape")."""
    path = "/rest/sql" + (f"/{db}" if db else "")
    if token is not None:
        path += "?token=" + urllib.parse.quote(token, safe="")
    cred = f"{user}:{password}".encode()
    req = urllib.request.Request(
        url + path, data=text.encode(), method="POST",
        headers={"Authorization": "Basic " + base64.b64encode(cred).decode()})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        body = e.read()
    return json.loads(body.decode("utf-8", "surrogateescape"))


def load_conftest(name, path):
    """Loads the conftest.py at path as module `name`, so another suite can
    re-export its fixtures without clashing with its own conftest."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def wait_until(predicate, timeout, what, interval=0.05):
    """Polls predicate() until it returns a true value and returns that value;
    raises TimeoutError naming `what` when `timeout` seconds pass first
    (`what` may be a function returning the text, called only then, to
    show what a process logged)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for "
                               f"{what() if callable(what) else what}")
        time.sleep(interval)


def tail(path, lines=40):
    """Returns the last `lines` lines of a text file, or a note when it is
    missing; for failure messages."""
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"<cannot read {path}: {e.strerror}>"


def unique_name(prefix):
    """Returns `prefix` cut to the characters Kafka and TDengine both accept,
    followed by a random suffix, so names never collide across tests or runs."""
    clean = re.sub(r"[^A-Za-z0-9_]", "_", prefix)[:60]
    return f"{clean}_{uuid.uuid4().hex[:10]}"


def _per_message(value, count, name):
    """Returns a list of `count` items: `value` itself when it is a list or
    tuple of that length, else `value` repeated. Raises ValueError when a
    list's length does not match."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"{name}: {len(value)} values for {count} messages")
        return list(value)
    return [value] * count


def _broker_sh(command, run_dir, env=None):
    """Runs `broker.sh command` for the broker of run_dir (env adds to its
    environment) and returns the last line it printed. Raises RuntimeError
    with its output when it fails."""
    env = dict(os.environ, **(env or {}), K2TD_KAFKA_DIR=str(run_dir))
    proc = subprocess.run(["bash", BROKER_SH, command], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"broker.sh {command} failed ({proc.returncode}):\n"
                           f"{proc.stdout}{proc.stderr}")
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""


class Kafka:
    """A broker the tests can use: .bootstrap is its address. `run_dir` is the
    broker.sh run directory when this session started the broker (None when
    it was given through K2TD_BOOTSTRAP)."""

    def __init__(self, bootstrap, run_dir=None):
        self.bootstrap = bootstrap
        self.run_dir = run_dir
        self._admin = None
        self._producer = None

    @classmethod
    def start(cls, run_dir, env=None):
        """Starts a fresh broker with broker.sh in `run_dir` and returns its
        handle; `env` adds to broker.sh's environment (K2TD_KAFKA_FLAVOUR,
        K2TD_KAFKA_KERBEROS...). Raises RuntimeError with broker.sh's output
        when it fails."""
        return cls(_broker_sh("start", run_dir, env), str(run_dir))

    def stop(self):
        """Stops the broker this handle started (no-op for a given one).
        Raises RuntimeError when broker.sh stop fails."""
        if self._producer is not None:
            self._producer.flush(10)
            self._producer = None
        self._admin = None  # it would keep reconnecting to the stopped broker
        if self.run_dir is not None:
            _broker_sh("stop", self.run_dir)

    def restart(self):
        """Starts the broker this handle started again after stop(): the same
        ports, topics, messages and committed offsets (broker.sh restart).
        Raises RuntimeError when it fails."""
        assert self.run_dir is not None, "a broker given through K2TD_BOOTSTRAP"
        _broker_sh("restart", self.run_dir)

    def sasl(self):
        """Returns (address, user, password) of the broker's SASL_PLAINTEXT
        listener (mechanism PLAIN), or None for a given broker."""
        if self.run_dir is None:
            return None
        with open(os.path.join(self.run_dir, "sasl")) as f:
            address, user, password = f.read().split()
        return address, user, password

    def ssl(self):
        """Returns (address, ca_path) of the broker's SSL listener (a
        self-signed certificate for 127.0.0.1, which ca_path holds), or None
        for a given broker."""
        if self.run_dir is None:
            return None
        with open(os.path.join(self.run_dir, "ssl-listener")) as f:
            address, ca_path = f.read().split()
        return address, ca_path

    def _listener(self, name):
        """The words of the run directory's listener file `name` (see
        broker.sh), or None for a given broker."""
        if self.run_dir is None:
            return None
        with open(os.path.join(self.run_dir, name)) as f:
            return f.read().split()

    def sasl_ssl(self):
        """Returns the address of the broker's SASL_SSL listener (PLAIN for the
        user of sasl(), the certificate of ssl()), or None for a given broker."""
        words = self._listener("sasl-ssl")
        return None if words is None else words[0]

    def mtls(self):
        """Returns (address, cert_path, key_path, key_password) of the broker's
        SSL listener that requires a client certificate (the server
        certificate of ssl()); the certificate given is one it trusts, its key
        encrypted with key_password. None for a given broker."""
        words = self._listener("mtls")
        return None if words is None else tuple(words)

    def log_path(self):
        """Returns the broker's main log file, or None for a given broker."""
        return None if self.run_dir is None else os.path.join(self.run_dir, "logs", "server.log")

    def admin(self):
        """Returns this broker's AdminClient (one per handle, owned by it)."""
        if self._admin is None:
            self._admin = AdminClient({"bootstrap.servers": self.bootstrap})
        return self._admin

    def create_topic(self, name, partitions=4, config=None):
        """Creates topic `name` (with the topic settings `config`, such as
        {"max.message.bytes": "12000000"}) and waits until every partition
        has a leader; returns the name. Raises on a creation error or after
        30 s."""
        futures = self.admin().create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1,
                      config=config or {})],
            operation_timeout=30)
        futures[name].result(timeout=30)

        def ready():
            md = self.admin().list_topics(topic=name, timeout=5).topics.get(name)
            return (md is not None and md.error is None and len(md.partitions) == partitions
                    and all(p.leader >= 0 for p in md.partitions.values()))

        wait_until(ready, 30, f"topic {name} to have {partitions} led partitions")
        return name

    def deny(self, user, resource, name, only_read=False):
        """Refuses User:`user` the topic or consumer group (`resource`:
        "topic" or "group") `name` through ACLs of the broker's authorizer
        (broker.sh): every operation, or with only_read=True reading it
        (fetching, joining) while it may still describe it. Waits until the
        broker applies them; returns the bindings for allow_again()."""
        kind = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}[resource]

        def binding(operation, permission):
            return AclBinding(kind, name, ResourcePatternType.LITERAL, f"User:{user}", "*",
                              operation, permission)

        # any ACL on a resource takes it out of allow.everyone.if.no.acl.found
        bindings = ([binding(AclOperation.READ, AclPermissionType.DENY),
                     binding(AclOperation.DESCRIBE, AclPermissionType.ALLOW)] if only_read
                    else [binding(AclOperation.ALL, AclPermissionType.DENY)])
        for future in self.admin().create_acls(bindings, request_timeout=30).values():
            future.result(timeout=30)

        def applied():
            found = self.admin().describe_acls(
                AclBindingFilter(kind, name, ResourcePatternType.LITERAL, f"User:{user}", None,
                                 AclOperation.ANY, AclPermissionType.ANY),
                request_timeout=10).result(timeout=10)
            return len(found) == len(bindings)

        wait_until(applied, 30, f"the ACLs on {resource} {name} to apply")
        return bindings

    def allow_again(self, bindings):
        """Deletes the ACLs deny() made."""
        filters = [AclBindingFilter(b.restype, b.name, b.resource_pattern_type, b.principal,
                                    b.host, b.operation, b.permission_type) for b in bindings]
        for future in self.admin().delete_acls(filters, request_timeout=30).values():
            future.result(timeout=30)

    def delete_topics(self, names):
        """Asks the broker to delete the topics; does not wait. Never raises for
        a topic that is already gone."""
        if names:
            self.admin().delete_topics(list(names), operation_timeout=0)

    def producer(self):
        """Returns this broker's Producer, tuned for bulk test data: batches of
        up to 1 MB, idempotent (no duplicates or reordering on retry), only
        failed deliveries reported."""
        if self._producer is None:
            self._producer = Producer({
                "bootstrap.servers": self.bootstrap,
                "linger.ms": 5,
                "batch.num.messages": 100000,
                "batch.size": 1000000,
                "queue.buffering.max.messages": 1000000,
                "queue.buffering.max.kbytes": 1048576,
                "enable.idempotence": True,
                "delivery.report.only.error": True,
            })
        return self._producer

    def produce(self, topic, messages, partition=None, key=None, timestamp_ms=None):
        """Produces `messages` (bytes, str or None each) to `topic` in order and
        waits until all are acknowledged; returns how many were produced.
        `partition`, `key` and `timestamp_ms` each take one value for every
        message or a list with one per message; None leaves the choice to the
        producer (default partitioner, no key, current time). Raises
        RuntimeError naming the first failed delivery."""
        messages = list(messages)
        n = len(messages)
        parts = _per_message(partition, n, "partition")
        keys = _per_message(key, n, "key")
        stamps = _per_message(timestamp_ms, n, "timestamp_ms")
        failures = []

        def on_delivery(err, msg):
            if err is not None:
                failures.append(f"{msg.topic()}[{msg.partition()}]: {err}")

        p = self.producer()
        for value, part, k, ts in zip(messages, parts, keys, stamps):
            kwargs = {"on_delivery": on_delivery}
            if part is not None:
                kwargs["partition"] = part
            if k is not None:
                kwargs["key"] = k
            if ts is not None:
                kwargs["timestamp"] = ts
            while True:
                try:
                    p.produce(topic, value, **kwargs)
                    break
                except BufferError:
                    p.poll(0.05)
        left = p.flush(120)
        if left:
            raise RuntimeError(f"{left} of {n} messages to {topic} still unacknowledged after 120s")
        if failures:
            raise RuntimeError(f"{len(failures)} of {n} messages to {topic} failed; first: {failures[0]}")
        return n


class Standin:
    """The TDengine REST stand-in as a child process serving a SQLite file.
    The first start picks a free port; later starts reuse it, so a restarted
    stand-in is found at the same .url."""

    def __init__(self, data_dir, user="root", password="taosdata", cloud_token=None):
        os.makedirs(data_dir, exist_ok=True)
        self.data_dir = str(data_dir)
        self.data_path = os.path.join(self.data_dir, "td.sqlite")
        self.log_path = os.path.join(self.data_dir, "standin.log")
        self.user = user
        self.password = password
        self.cloud_token = cloud_token  # serve /rest/sql only with ?token= (a cloud gateway)
        self.port = 0
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=30):
        """Starts the stand-in (same data file, same port after the first
        start) and waits until it says it listens; returns self. Raises
        RuntimeError with its log when it exits or does not get ready."""
        if self.running():
            raise RuntimeError("stand-in already running")
        if not os.path.exists(STANDIN_PY):
            raise RuntimeError(f"stand-in not found at {STANDIN_PY}")
        log = open(self.log_path, "a")
        offset = log.tell()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, STANDIN_PY, "--host", "127.0.0.1", "--port", str(self.port),
                 "--data", self.data_path, "--user", self.user, "--password", self.password]
                + (["--cloud-token", self.cloud_token] if self.cloud_token else []),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONUNBUFFERED="1"))
        finally:
            log.close()
        ready = re.compile(r"standin listening on 127\.0\.0\.1:(\d+)")

        def listening():
            with open(self.log_path, "r", errors="replace") as f:
                f.seek(offset)
                m = ready.search(f.read())
            if m:
                return int(m.group(1))
            if self.proc.poll() is not None:
                raise RuntimeError(f"stand-in exited ({self.proc.returncode}):\n{tail(self.log_path)}")
            return None

        try:
            self.port = wait_until(listening, timeout, "the stand-in to listen")
        except TimeoutError:
            self.kill()
            raise RuntimeError(f"stand-in not ready after {timeout}s:\n{tail(self.log_path)}")
        return self

    def _end(self, sig, timeout):
        """Sends `sig` to the running stand-in and reaps it, escalating to
        SIGKILL after `timeout` s; returns its exit status (None if none ran)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def stop(self, timeout=10):
        """Stops the stand-in with SIGTERM; returns its exit status."""
        return self._end(signal.SIGTERM, timeout)

    def kill(self):
        """Kills the stand-in with SIGKILL (a crash); returns its exit status."""
        return self._end(signal.SIGKILL, 10)

    def fail(self, count, status=503, code=0xFFFF, desc="injected failure"):
        """Makes the next `count` /rest/sql requests answer HTTP `status` with
        {"code": code, "desc": desc}, without running them."""
        body = json.dumps({"count": count, "status": status, "code": code,
                           "desc": desc}).encode()
        req = urllib.request.Request(self.url + "/_standin/fail", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=30) as answer:
            assert answer.status == 200

    def sql(self, text, db=None, user=None, password=None, timeout=30):
        """POSTs one SQL statement to /rest/sql[/db] with Basic auth (the
        stand-in's own credentials unless given) and returns the parsed JSON
        answer, also for HTTP error statuses. Raises when the answer is not
        JSON or the stand-in cannot be reached."""
        return rest_sql(self.url, user or self.user, password or self.password, text, db,
                        timeout, self.cloud_token)


class K2tdProcess:
    """One run of the k2td binary; stderr and stdout go to files beside its
    task file so a failed test can show them."""

    def __init__(self, argv, task_path, stderr_path, stdout_path, env):
        self.argv = argv
        self.task_path = task_path
        self.stderr_path = stderr_path
        self.stdout_path = stdout_path
        with open(stderr_path, "w") as err, open(stdout_path, "w") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err, env=env)

    @property
    def pid(self):
        return self.proc.pid

    @property
    def returncode(self):
        return self.proc.poll()

    def stderr(self):
        """Returns everything k2td wrote to stderr so far."""
        with open(self.stderr_path, "r", errors="replace") as f:
            return f.read()

    def stdout(self):
        """Returns everything k2td wrote to stdout so far."""
        with open(self.stdout_path, "r", errors="replace") as f:
            return f.read()

    def wait(self, timeout=60):
        """Waits for k2td to exit and returns its exit status. After `timeout`
        s it is killed and AssertionError is raised with its stderr's end."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"k2td did not exit within {timeout}s; killed. "
                                 f"stderr:\n{tail(self.stderr_path)}")

    def terminate(self, timeout=30):
        """Sends SIGTERM and waits; returns the exit status. Raises
        AssertionError (after SIGKILL) when k2td outlives `timeout` s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self):
        """Sends SIGKILL (a crash) and returns the exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
        return self.proc.wait()


class K2td:
    """Starts k2td runs on task files written to `workdir`; kills any run
    still alive at close()."""

    def __init__(self, binary, workdir):
        self.binary = str(binary)
        self.workdir = str(workdir)
        self.runs = []

    def start(self, task, args=K2TD_TASK_ARGS, env=None):
        """Writes `task` (a str as is, anything else as JSON) to a new task file
        and starts k2td on it with `args` ("{task}" stands for the file's
        path); `env` adds to the environment. Returns the K2tdProcess."""
        n = len(self.runs) + 1
        task_path = os.path.join(self.workdir, f"task-{n}.json")
        with open(task_path, "w") as f:
            f.write(task if isinstance(task, str) else json.dumps(task, indent=2))
        argv = [self.binary] + [a.replace("{task}", task_path) for a in args]
        run = K2tdProcess(argv, task_path,
                          os.path.join(self.workdir, f"k2td-{n}.stderr"),
                          os.path.join(self.workdir, f"k2td-{n}.stdout"),
                          dict(os.environ, **(env or {})))
        self.runs.append(run)
        return run

    def run(self, task, args=K2TD_TASK_ARGS, env=None, timeout=60):
        """Starts k2td like start() and waits for it to exit (see
        K2tdProcess.wait); returns the finished K2tdProcess."""
        run = self.start(task, args, env)
        run.wait(timeout)
        return run

    def close(self):
        """Kills every run still alive (a test that failed midway)."""
        for run in self.runs:
            run.kill()


class Kdc:
    """A throw-away MIT Kerberos KDC on loopback, run by tests/kafka/kdc.sh in
    `run_dir`: .realm, .port, and .env, the variables that make Kerberos
    clients (kinit, librdkafka, kadmin.local) use it."""

    def __init__(self, run_dir):
        self.run_dir = str(run_dir)
        self.realm = None
        self.port = None
        self.env = {"KRB5_CONFIG": os.path.join(self.run_dir, "krb5.conf"),
                    "KRB5_KDC_PROFILE": os.path.join(self.run_dir, "kdc.conf")}

    def _kdc_sh(self, *args):
        proc = subprocess.run(["bash", KDC_SH, *args], capture_output=True, text=True,
                              env=dict(os.environ, K2TD_KDC_DIR=self.run_dir))
        if proc.returncode != 0:
            raise RuntimeError(f"kdc.sh {' '.join(args)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}")
        return proc.stdout

    def start(self):
        """Creates the realm and starts the KDC; returns self. Raises
        RuntimeError with kdc.sh's output when it fails."""
        self.realm, port = self._kdc_sh("start").split()[-2:]
        self.port = int(port)
        return self

    def keytab(self, principal, path):
        """Adds `principal` (a random key; the realm is appended) unless it
        exists and writes its keys to the keytab `path`; returns the full
        principal name."""
        self._kdc_sh("keytab", principal, str(path))
        return f"{principal}@{self.realm}"

    def rekey(self, principal):
        """Gives `principal` a new random key, so keytabs written before no
        longer log it in."""
        self._kdc_sh("rekey", principal)

    def stop(self):
        """Stops the KDC (no-op when it does not run)."""
        self._kdc_sh("stop")


def check_all(k2td, tasks, env=None, args=None, timeout=90):
    """Runs `k2td check` on every task of `tasks` ({name: task}) side by side
    and waits for all; returns {name: finished K2tdProcess}. A refused login
    lasts k2td's whole wait for the brokers, so refusals are checked together
    rather than one after the other. `env` maps a name to environment
    additions for its run, `args` to other arguments than check's (such as
    K2TD_TASK_ARGS)."""
    runs = {name: k2td.start(task, args=(args or {}).get(name, ("check", "{task}")),
                             env=(env or {}).get(name))
            for name, task in tasks.items()}
    for run in runs.values():
        run.wait(timeout)
    return runs


def check_verdict(run, check="kafka brokers"):
    """Returns the line of a finished `k2td check` that gives the verdict of
    `check` ("ok    kafka brokers: ..." or "FAIL  kafka brokers: ..."), or ""
    when it printed none."""
    for line in run.stdout().splitlines():
        if line[6:].startswith(check):
            return line
    return ""
