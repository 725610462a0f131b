"""A small TAP runner shared by the Python-driven tests: register cases with @case, then
sys.exit(run()). Each case prints "ok N - name" or "not ok N - name" with its reason."""
import sys

_CASES = []


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
