"""SIGHUP sets the log level of `k2td serve` from its --config file again."""

import signal

import helpers


def _config(path, level=None):
    text = '{"user": "ops", "password": "reload-pw-1"'
    text += f', "log_level": "{level}"' if level else ""
    path.write_text(text + "}")


def test_sighup_sets_the_log_level_from_the_config_file(serve_factory, tmp_path):
    cfg = tmp_path / "serve.json"
    _config(cfg, "info")
    s = serve_factory(args=["--config", str(cfg)], password=None)
    s.login(user="ops", password="reload-pw-1")
    assert s.call("GET", "/api/health").status == 200
    assert "DEBUG" not in s.log()

    _config(cfg, "debug")
    s.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: log level debug (was info)" in s.log(), 60, "the reload")
    assert s.call("GET", "/api/health").status == 200
    helpers.wait_until(lambda: "DEBUG http: " in s.log(), 60, "a debug line of the request")

    cfg.write_text('{"user": "ops", "password": "reload-pw-1", "log_level": "loud"}')
    s.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: cannot read the log level again" in s.log(), 60,
                       "the refused reload")
    assert "config.log_level: must be one of error, warn, info, debug; it stays debug" in s.log()

    # a file that names no level: info
    _config(cfg)
    s.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: log level info (was debug)" in s.log(), 60,
                       "the reload to the default")
    assert "reload-pw-1" not in s.log()


def test_sighup_without_a_config_file_keeps_the_level(serve):
    serve.proc.send_signal(signal.SIGHUP)
    helpers.wait_until(lambda: "SIGHUP: no file to read the log level from" in serve.log(), 60,
                       "the warning")
    assert serve.call("GET", "/api/health").status == 200
