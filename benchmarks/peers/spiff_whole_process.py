"""Peer side of bench_bpmn_vs_spiff.py, run with the peer venv's Python (SpiffWorkflow 3.2.0).

Parses the BPMN file once, then times whole-process runs exactly as the peer's own spiff_run.py
does them: per instance a BpmnWorkflow of the spec, `amount = i % 100` set on the first ready
task, do_engine_steps() to the end, is_completed() checked. One untimed warm-up run, then `runs`
timed runs of `n` instances; prints one JSON object (seconds per run) on stdout.
Usage: spiff_whole_process.py BPMN PROCESS_ID N RUNS
"""

import gc
import json
import sys
import time
from importlib.metadata import version

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState


def main() -> None:
    path, process_id, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    parser = BpmnParser()
    parser.add_bpmn_file(path)
    spec = parser.get_spec(process_id)

    def batch() -> None:
        done = 0
        for i in range(n):
            wf = BpmnWorkflow(spec)
            wf.get_next_task(state=TaskState.READY).set_data(amount=i % 100)
            wf.do_engine_steps()
            done += wf.is_completed()
        assert done == n, f"{done} of {n} instances completed"

    batch()  # warm-up, not timed
    samples = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        batch()
        samples.append(time.perf_counter() - started)
    print(json.dumps({"version": version("SpiffWorkflow"), "samples": samples}))


if __name__ == "__main__":
    main()
