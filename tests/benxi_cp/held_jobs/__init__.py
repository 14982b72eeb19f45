"""A kind of job for the worker's fault tests (tests/benxi_cp/worker.py): it reads its
uploaded file, then holds until the test releases it, so that a test can kill its worker
while it runs. Installed only in the worker processes those tests start."""
