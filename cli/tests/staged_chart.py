"""The chart as the tests render it: a staged copy with the real subcharts at the versions
Chart.lock pins (scripts/stage-chart.sh). make test stages it once and passes
AETERNA_STAGED_CHART; run alone, a test stages its own copy."""
import atexit
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def staged_chart():
    path = os.environ.get("AETERNA_STAGED_CHART")
    if path:
        return path
    d = tempfile.mkdtemp(prefix="aeterna-chart-")
    atexit.register(shutil.rmtree, d, True)
    dest = os.path.join(d, "aeterna")
    subprocess.run([os.path.join(ROOT, "scripts", "stage-chart.sh"), os.path.join(ROOT, "charts", "aeterna"), dest],
                   check=True, capture_output=True)
    return dest


# What the test cluster serves: the operators the bundled services need.
CLUSTER_APIS = ["--api-versions", "postgresql.cnpg.io/v1", "--api-versions", "psmdb.percona.com/v1",
                "--api-versions", "monitoring.coreos.com/v1", "--api-versions", "autoscaling.k8s.io/v1",
                "--api-versions", "external-secrets.io/v1"]
