"""The two-node mode of the load benchmark (bench/nodes.py): nginx's configuration made from
deploy/, the worked estimate's arithmetic, the section and its place in the document.

No assertion about time: the servers are only started by `manage.py bench --load --nodes`
(and by tests/benxi_cp/two_nodes.py, which uses the same configuration)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import load, nodes, scale


def _phase(label: str, count: int, replica: bool, **costs) -> nodes.Phase:
    phase = nodes.Phase(label, count, replica, seconds=10.0, warmup_requests=100, **costs)
    phase.samples = {
        "Trends": load.PageSamples(ms=[40.0] * 300),
        "Audits": load.PageSamples(ms=[80.0] * 200),
    }
    phase.samples["Audits"].add_error("HTTP 502")
    return phase


def _result() -> nodes.NodesResult:
    pages = [
        load.LoadPage("Trends", "leadership", "/reports/trends/"),
        load.LoadPage("Audits", "epb_staff", "/audits/"),
    ]
    one = _phase("one node", 1, False, cpu_s=25.01, primary_s=12.0, workers=4)
    two = _phase(
        "2 nodes behind nginx", 2, True, cpu_s=50.1, primary_s=3.0, replica_s=9.0, workers=2
    )
    two.kill, two.killed_at_s, two.errors_after_kill = True, 5.0, 1
    for phase in (one, two):
        phase.writer.changes, phase.writer.cycle_ms = 2, [900.0, 1100.0]
    return nodes.NodesResult("tiny", scale.ScaleSpec(2, 1), 10, 2, pages, [one, two])


def test_the_cost_of_a_request_gives_what_each_node_adds_and_where_the_database_stops_it():
    two = _result().phases[1]
    assert two.requests == 501 and two.per_second == pytest.approx(50.1)
    numbers = nodes.estimate(two, cores=2)
    assert numbers["cpu_ms"] == pytest.approx(100.0)  # 50.1 s of CPU over 501 requests
    assert numbers["per_node"] == pytest.approx(20.0)  # 2 cores × 1000 / 100 ms
    # The statement times count the warm-up's requests too (601).
    assert numbers["primary_ms"] == pytest.approx(3000 / 601)
    assert numbers["standby_ms"] == pytest.approx(9000 / 601)
    assert numbers["standby_limit"] == pytest.approx(2000 / (9000 / 601))
    no_standby = nodes.estimate(_result().phases[0])
    assert no_standby["standby_ms"] is None and no_standby["standby_limit"] is None


def test_the_section_shows_both_runs_their_costs_and_the_estimate():
    section = nodes.render_nodes(_result(), "manage.py bench --load --nodes 2")
    assert section.startswith(nodes.NODES_BEGIN) and section.rstrip().endswith(nodes.NODES_END)
    assert "| Audits | 200 (1 × HTTP 502) | 80 / 80 | 200 (1 × HTTP 502) | 80 / 80 |" in section
    assert "| requests per second | 50.1 | 50.1 |" in section
    assert "| web CPU per request, ms | 49.9 | 100.0 |" in section
    assert "with the pages' reads on the streaming standby" in section
    assert "≈ **20 requests per second**" in section
    assert re.search(r"up to about \*\*[\d.]+ nodes\*\*", section)
    assert "one gunicorn node (4 sync workers)" in section and "nodes of 2 workers" in section
    assert "| the writer, 2 nodes | 2 changes, a cycle 1,000 ms at the median | — | — |" in section
    killed = next(line for line in section.splitlines() if "node killed" in line)
    assert "at 5 s of 10 s | 1 readers' requests failed after it" in killed
    assert killed.endswith("| only the requests in flight (at most 7) | met |")


def test_a_kill_that_costs_more_than_the_requests_in_flight_is_not_met():
    result = _result()
    result.phases[1].errors_after_kill = 8
    section = nodes.render_nodes(result, "manage.py bench --load --nodes 2")
    assert next(line for line in section.splitlines() if "node killed" in line).endswith(
        "| **not met** |"
    )


def test_the_nodes_section_replaces_only_itself_after_the_load_section():
    section = nodes.render_nodes(_result(), "manage.py bench --load --nodes 2")
    document = f"# Benchmarks\n\n## Pages\n\n{load.BEGIN}\n## Under load\n{load.END}\n\n## Notes\n"
    merged = nodes.merge_nodes(document, section)
    assert merged.index(load.END) < merged.index(nodes.NODES_BEGIN) < merged.index("## Notes")
    again = nodes.merge_nodes(merged, section.replace("**tiny**", "**other**"))
    assert again.count(nodes.NODES_BEGIN) == 1 and "**other**" in again
    assert nodes.nodes_section(again).startswith(nodes.NODES_BEGIN)
    # The load run replaces its own section and leaves this one alone.
    reloaded = load.merge_section(again, f"{load.BEGIN}\n## Under load, again\n{load.END}\n")
    assert nodes.nodes_section(reloaded) == nodes.nodes_section(again)
    assert nodes.nodes_section("# B\n") is None


def test_nginx_is_configured_from_deploy_with_one_line_per_node(tmp_path):
    config = nodes.nginx_config(tmp_path, 8080, [9001, 9002])
    assert "server 127.0.0.1:9001 max_fails=1 fail_timeout=10s;" in config
    assert "server 127.0.0.1:9002 max_fails=1 fail_timeout=10s;" in config
    assert "listen 127.0.0.1:8080;" in config
    [snippet] = re.findall(r"include (\S+);", config)
    assert Path(snippet).read_text().count("proxy_pass http://benxi_cp;") == 1
    if not Path(nodes.NGINX).exists():
        pytest.skip("nginx is not installed: its syntax check is left out")
    (tmp_path / "nginx.conf").write_text(config)
    checked = subprocess.run(
        [nodes.NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.django_db
def test_nodes_mode_refuses_a_count_out_of_range(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the load mode refuses before it counts nodes")
    with pytest.raises(CommandError, match="between 2 and 8"):
        call_command(
            "bench", "--load", "--nodes", "1", "--scales", "tiny", "--output", str(tmp_path / "b")
        )
