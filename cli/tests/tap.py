"""A small TAP runner shared by the Python-driven tests: register cases with @case, then
sys.exit(run()). Each case prints "ok N - name" or "not ok N - name" with its reason."""
import socket
import sys
import time

_CASES = []


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=30):
    """Waits until something accepts connections on 127.0.0.1:port."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never opened")


def case(fn):
    _CASES.append(fn)
    return fn


def run(prefix="", tail=12):
    failed = 0
    for n, fn in enumerate(_CASES, 1):
        try:
            fn()
            print(f"ok {n} - {prefix}{fn.__name__}", flush=True)
        except AssertionError as e:
            failed += 1
            print(f"not ok {n} - {prefix}{fn.__name__}", flush=True)
            for line in str(e).splitlines()[-tail:]:
                print(f"#   {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit("tap.py is a library")
